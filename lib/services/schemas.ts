import { z } from "zod";
import { ENVIRONMENT_NAME, ZServiceRunbooks } from "./rollback-runbooks.ts";
import { multiLine, singleLine } from "../validation/text.ts";

// Service catalogue: one field schema shared by the UI verbs and SERVICES_FILE, so a service
// declared in a file is held to exactly the rules of one typed into the form.

export const SERVICE_TIERS = ["Critical", "High", "Medium", "Low"] as const;

const optionalText = (max: number, what: string) =>
  singleLine()
    .trim()
    .max(max, `${what} is limited to ${max} characters.`)
    .nullish()
    .transform((v) => (v ? v : null));

const minutes = (what: "RTO" | "RPO", min: number) =>
  z.coerce
    .number(`${what} must be a number of minutes.`)
    .int(`${what} must be whole minutes.`)
    .min(min, min ? `${what} is at least ${min} minute.` : `${what} cannot be negative.`)
    .max(10_080, `${what} is at most 10,080 minutes (a week).`);

export const ZServiceFields = z.strictObject({
  name: singleLine().trim().min(2, "Name the service (at least 2 characters).").max(100, "Names are limited to 100 characters."),
  description: multiLine().trim().max(2000, "Descriptions are limited to 2,000 characters.").default(""),
  tier: z.enum(SERVICE_TIERS, "Choose a tier: Critical, High, Medium or Low."),
  rtoMinutes: minutes("RTO", 1).describe("recovery time objective: how long the service may be down"),
  rpoMinutes: minutes("RPO", 0).describe("recovery point objective: how much data (in minutes) it may lose"),
  verificationWindowMinutes: z.coerce
    .number("The verification window must be a number of minutes.")
    .int("The verification window is whole minutes.")
    .min(1, "The verification window is at least 1 minute.")
    .max(10_080, "The verification window is at most 10,080 minutes (a week).")
    .default(30)
    .describe("how long a deployed version must run with no incident and no firing alert to be verified good"),
  ownerTeam: singleLine().trim().min(1, "Name the owning team.").max(100, "Team names are limited to 100 characters."),
  lifecycle: optionalText(40, "Lifecycle"),
  system: optionalText(100, "System"),
  environments: z
    .array(singleLine().trim().regex(ENVIRONMENT_NAME, "Environment names use lower-case letters, digits, _ and - (for example production, staging)."))
    .min(1, "Name at least one environment (for example production).")
    .max(10, "At most 10 environments.")
    .refine((l) => new Set(l).size === l.length, "Each environment once.")
    .default(["production"]),
  runbooks: ZServiceRunbooks.default([]).describe("the runbooks that roll this service back, preferred first, with default parameters per environment"),
  onStatusPage: z.boolean().default(true).describe("listed on the public status page"),
  publicName: optionalText(100, "The public name").describe("the name shown on the status page; default: name"),
});
export type ServiceFields = z.infer<typeof ZServiceFields>;

const version = singleLine().trim().max(100, "Versions are limited to 100 characters.").nullish().transform((v) => (v ? v : null));
export const ZServiceVersions = z.object({ currentVersion: version, lastKnownGoodVersion: version });

export const ZCreateService = ZServiceFields.extend(ZServiceVersions.shape);
export type CreateService = z.infer<typeof ZCreateService>;

/** An edit replaces every catalogue field: the form always sends the whole service. */
export const ZUpdateService = ZCreateService.extend({ id: z.uuid() });
export type UpdateService = z.infer<typeof ZUpdateService>;

/** Versions are facts about deployments, not catalogue: editable even on file-managed services. */
export const ZSetServiceVersions = ZServiceVersions.extend({ id: z.uuid() });

export const ZArchiveService = z.object({ id: z.uuid(), archived: z.boolean() });

export const ZImportCatalog = z.object({
  text: multiLine().min(1, "Paste a catalog-info.yaml or choose a file.").max(1_000_000, "The catalogue is limited to 1 MB."),
});

// ---- From a form (strings) to the shapes above.

function list(v: unknown): string[] | undefined {
  if (typeof v !== "string") return undefined;
  return v.split(/[\s,]+/).filter(Boolean);
}

function json(v: unknown): unknown {
  if (typeof v !== "string" || v.trim() === "") return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return v; // zod then says it is not a list
  }
}

/** Form values as the service verbs take them: lists split, checkboxes as booleans, runbooks as JSON. */
export function serviceInputFromForm(values: Record<string, string | string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  if ("environments" in values) out.environments = list(values.environments);
  if ("runbooks" in values) out.runbooks = json(values.runbooks) ?? [];
  // A checkbox sends nothing when unticked; the hidden marker says the box was on the form.
  if ("onStatusPageShown" in values) out.onStatusPage = values.onStatusPage === "on";
  delete out.onStatusPageShown;
  return out;
}
