import { z } from "zod";

const version = z.string().trim().max(100, "Versions are limited to 100 characters.").transform((v) => (v === "" ? null : v));

export const ZUpdateService = z.object({
  id: z.uuid(),
  tier: z.enum(["Critical", "High", "Medium", "Low"], "Choose a tier."),
  rtoMinutes: z.coerce.number("RTO must be a number of minutes.").int("RTO must be whole minutes.").min(1, "RTO is at least 1 minute.").max(10_080, "RTO is at most 10,080 minutes (a week)."),
  rpoMinutes: z.coerce.number("RPO must be a number of minutes.").int("RPO must be whole minutes.").min(0, "RPO cannot be negative.").max(10_080, "RPO is at most 10,080 minutes (a week)."),
  ownerTeam: z.string().trim().min(1, "Name the owning team.").max(100, "Team names are limited to 100 characters."),
  currentVersion: version,
  lastKnownGoodVersion: version,
});
export type UpdateService = z.infer<typeof ZUpdateService>;
