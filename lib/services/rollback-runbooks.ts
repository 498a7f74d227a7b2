import { z } from "zod";

// The one schema of Service.runbooks (a JSON column): the runbooks that roll a service back, in
// order of preference, each with default parameter values per environment. Parsed only here.

export const RUNBOOK_NAME = /^[a-z0-9][a-z0-9-]*$/;
export const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const ZParamValue = z.union([z.string().max(4096), z.number(), z.boolean()]);

export const ZServiceRunbook = z.strictObject({
  runbook: z.string().regex(RUNBOOK_NAME, "Runbook names use lower-case letters, digits and -."),
  /** { production: { version: "v1" }, staging: { ... } } */
  defaults: z
    .record(
      z.string().regex(ENVIRONMENT_NAME, "Environment names use lower-case letters, digits, _ and -."),
      z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "Parameter names use letters, digits and _."), ZParamValue),
    )
    .default({}),
});
export type ServiceRunbook = z.infer<typeof ZServiceRunbook>;

export const ZServiceRunbooks = z.array(ZServiceRunbook).max(20, "At most 20 runbooks per service.");

/** Reads the stored column; a row written before this schema (or by hand) reads as no runbooks. */
export function readServiceRunbooks(json: unknown): ServiceRunbook[] {
  const parsed = ZServiceRunbooks.safeParse(json);
  return parsed.success ? parsed.data : [];
}

/** The runbook offered first when this service is rolled back, if any. */
export function preferredRunbook(json: unknown): string | null {
  return readServiceRunbooks(json)[0]?.runbook ?? null;
}
