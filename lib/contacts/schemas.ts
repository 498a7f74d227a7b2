import { z } from "zod";
import { POLICY_ROLES } from "../policy/schema.ts";
import { singleLine } from "../validation/text.ts";

const optionalEmail = singleLine()
  .trim()
  .max(200)
  .refine((s) => s === "" || z.email().safeParse(s).success, "Enter a valid email address, or leave it empty.");

export const ZContactFields = z.object({
  name: singleLine().trim().min(2, "Name the contact (at least 2 characters).").max(100, "Names are limited to 100 characters."),
  title: singleLine().trim().min(2, "Give their role or title, for example DevOps Lead.").max(100, "Titles are limited to 100 characters."),
  email: optionalEmail.default(""),
  phone: singleLine()
    .trim()
    .max(40, "Phone numbers are limited to 40 characters.")
    .regex(/^[+0-9 ()\-.x]*$/, "Use digits, spaces, + - ( ) . and x only.")
    .default(""),
  note: singleLine().trim().max(300, "Notes are limited to 300 characters.").default(""),
  userId: z.union([z.literal(""), z.uuid("Choose a Rollcall user from the list.")]).default(""),
  channelIds: z.array(z.uuid("Choose channels from the list.")).max(20).default([]),
});
export type ContactFields = z.infer<typeof ZContactFields>;

export const ZCreateContact = ZContactFields;
export type CreateContact = z.infer<typeof ZCreateContact>;

export const ZUpdateContact = ZContactFields.extend({ contactId: z.uuid("That contact no longer exists.") });
export type UpdateContact = z.infer<typeof ZUpdateContact>;

export const ZDeleteContact = z.object({ contactId: z.uuid("That contact no longer exists.") });
export type DeleteContact = z.infer<typeof ZDeleteContact>;

export const ZEscalationStep = z.object({
  afterMinutes: z.coerce
    .number("Enter minutes as a number.")
    .int("Whole minutes only.")
    .min(0, "Minutes cannot be negative.")
    .max(10_080, "At most a week (10080 minutes)."),
  role: singleLine().trim().min(2, "Name the step, for example DevOps lead.").max(80, "Step names are limited to 80 characters."),
  /** The Rollcall role that may also decide once a request escalates to this step (as in the policy). */
  approverRole: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.enum(POLICY_ROLES, "Choose a role from the list.").optional()),
  contactIds: z.array(z.uuid("Choose contacts from the list.")).max(20, "At most 20 contacts per step.").default([]),
});
export type EscalationStepInput = z.infer<typeof ZEscalationStep>;

export const ZSaveEscalationPath = z
  .object({
    /** The version the form was loaded from (0: the policy's path), so two editors cannot overwrite each other. */
    baseVersion: z.coerce.number().int().min(0),
    steps: z.array(ZEscalationStep).min(1, "Keep at least one step.").max(10, "At most 10 steps."),
  })
  // Runs even when a step has its own errors (`when`), so every problem is shown at once; the
  // steps may then be unparsed, hence the defensive reads.
  .superRefine(
    (p, ctx) => {
      const minutes = (Array.isArray(p.steps) ? p.steps : []).map((s) => (s && String(s.afterMinutes).trim() !== "" ? Number(s.afterMinutes) : NaN));
      if (minutes[0] !== undefined && Number.isFinite(minutes[0]) && minutes[0] !== 0) {
        ctx.addIssue({ code: "custom", path: ["steps", 0, "afterMinutes"], message: "The first step starts at 0 minutes: it is who a request goes to first." });
      }
      minutes.forEach((m, i) => {
        const prev = minutes[i - 1];
        if (i > 0 && prev !== undefined && Number.isFinite(m) && Number.isFinite(prev) && m <= prev) {
          ctx.addIssue({ code: "custom", path: ["steps", i, "afterMinutes"], message: `Must be later than step ${i} (${prev} min).` });
        }
      });
    },
    { when: () => true },
  );
export type SaveEscalationPath = z.infer<typeof ZSaveEscalationPath>;

/** What a stored version holds (read back through zod, so a bad row cannot reach the sweeper). */
export const ZStoredSteps = z.array(
  z.object({
    afterMinutes: z.number().min(0),
    role: z.string(),
    approverRole: z.enum(POLICY_ROLES).optional(),
    contactIds: z.array(z.string()).default([]),
  }),
);

type FormStep = { afterMinutes: string; role: string; approverRole: string; contactIds: string[] };

/**
 * The path form names its fields `steps.<i>.<field>`; this turns submitted values back into rows
 * in index order. Pure, so the server (parsing) and the form (keeping what was typed) agree.
 */
export function stepsFromValues(values: Record<string, string | string[] | undefined>): FormStep[] {
  const rows = new Map<number, FormStep>();
  for (const [key, raw] of Object.entries(values)) {
    const m = /^steps\.(\d{1,2})\.(afterMinutes|role|approverRole|contactIds)$/.exec(key);
    if (!m) continue;
    const i = Number(m[1]);
    const row = rows.get(i) ?? { afterMinutes: "", role: "", approverRole: "", contactIds: [] };
    const field = m[2] as keyof FormStep;
    if (field === "contactIds") row.contactIds = Array.isArray(raw) ? raw : raw ? [raw] : [];
    else row[field] = Array.isArray(raw) ? (raw[0] ?? "") : (raw ?? "");
    rows.set(i, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
}
