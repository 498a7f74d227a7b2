import { z } from "zod";
import { multiLine, singleLine } from "../validation/text.ts";

export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const;
export type SeverityName = (typeof SEVERITIES)[number];

export const STATUSES = ["detected", "investigating", "rolling_back", "monitoring", "resolved", "closed"] as const;
export type StatusName = (typeof STATUSES)[number];

export const STATUS_LABELS: Record<StatusName, string> = {
  detected: "Detected",
  investigating: "Investigating",
  rolling_back: "Rolling back",
  monitoring: "Monitoring",
  resolved: "Resolved",
  closed: "Closed",
};

export const ACTIVE_STATUSES: StatusName[] = ["detected", "investigating", "rolling_back", "monitoring"];

/** Which status may follow which. Reopening a resolved incident is allowed; a closed one is final. */
export const TRANSITIONS: Record<StatusName, StatusName[]> = {
  detected: ["investigating", "rolling_back", "monitoring", "resolved"],
  investigating: ["rolling_back", "monitoring", "resolved"],
  rolling_back: ["investigating", "monitoring", "resolved"],
  monitoring: ["investigating", "rolling_back", "resolved"],
  resolved: ["investigating", "closed"],
  closed: [],
};

export const LIMITS = { title: 140, summary: 4000, trigger: 200, dataLoss: 500, note: 4000, search: 100 };

const text = (max: number, label: string) => singleLine().trim().max(max, `${label} is limited to ${max} characters.`);
const lines = (max: number, label: string) => multiLine().trim().max(max, `${label} is limited to ${max} characters.`);

export const ZCreateIncident = z.object({
  title: text(LIMITS.title, "Title").min(3, "Title needs at least 3 characters."),
  summary: lines(LIMITS.summary, "Summary").default(""),
  trigger: text(LIMITS.trigger, "Trigger").min(3, "Say what triggered it (at least 3 characters)."),
  severity: z.enum(SEVERITIES, "Choose a severity."),
  serviceIds: z.array(z.uuid("Unknown service.")).min(1, "Choose at least one affected service.").max(20),
  // What the decision matrix needs: a trigger from the policy, share of users, time to fix.
  triggerId: singleLine()
    .max(60)
    .optional()
    .transform((v) => (v ? v : undefined)),
  usersAffectedPct: z
    .union([z.literal(""), z.coerce.number("Share of users must be a number.").min(0, "Share of users is 0-100%.").max(100, "Share of users is 0-100%.")])
    .optional()
    .transform((v) => (v === "" || v === undefined ? undefined : v)),
  timeToFixMinutes: z
    .union([z.literal(""), z.coerce.number("Time to fix must be a number of minutes.").int("Time to fix is whole minutes.").min(0).max(100_000)])
    .optional()
    .transform((v) => (v === "" || v === undefined ? undefined : v)),
  severityReason: lines(500, "Reason").default(""),
  // When the problem was first noticed, if earlier than the declaration (time to detect).
  detectedAt: z
    .union([z.literal(""), z.coerce.date("Enter a valid date and time.")])
    .optional()
    .transform((v) => (v === "" || v === undefined ? undefined : v)),
});
export type CreateIncident = z.infer<typeof ZCreateIncident>;

export const ZChangeStatus = z.object({
  key: singleLine().max(40),
  status: z.enum(STATUSES, "Choose a status."),
  version: z.coerce.number().int().min(0),
  note: lines(LIMITS.note, "Note").default(""),
});
export type ChangeStatus = z.infer<typeof ZChangeStatus>;

const optionalInt = (label: string, max: number) =>
  z
    .union([z.literal(""), z.coerce.number().int(`${label} must be a whole number.`).min(0, `${label} cannot be negative.`).max(max, `${label} is at most ${max}.`)])
    .transform((v) => (v === "" ? null : v));

export const ZUpdateImpact = z.object({
  key: singleLine().max(40),
  version: z.coerce.number().int().min(0),
  usersAffected: optionalInt("Users affected", 10_000_000_000),
  revenueImpact: z
    .union([z.literal(""), z.coerce.number("Revenue impact must be a number.").min(0, "Revenue impact cannot be negative.").max(1e12, "Revenue impact is at most 1,000,000,000,000.")])
    .transform((v) => (v === "" ? null : BigInt(Math.round(v * 100)))),
  dataLoss: lines(LIMITS.dataLoss, "Data loss").transform((v) => (v === "" ? null : v)),
});
export type UpdateImpact = z.infer<typeof ZUpdateImpact>;

export const ZAddNote = z.object({
  key: singleLine().max(40),
  note: lines(LIMITS.note, "Note").min(1, "Write something first."),
});
export type AddNote = z.infer<typeof ZAddNote>;

export const ZIncidentFilters = z.object({
  status: z.enum([...STATUSES, "active"]).optional().catch(undefined),
  severity: z.enum(SEVERITIES).optional().catch(undefined),
  service: z.uuid().optional().catch(undefined),
  q: singleLine().trim().max(LIMITS.search).optional().catch(undefined),
  cursor: singleLine().max(200).optional().catch(undefined),
  limit: z.coerce.number().int().min(1).max(100).default(25).catch(25),
});
export type IncidentFilters = z.infer<typeof ZIncidentFilters>;
