import { z } from "zod";
import { singleLine } from "../validation/text.ts";

/** What a token may be used for, on top of (never beyond) what its owner's role allows. */
export const SCOPES = [
  "incidents:read",
  "incidents:write",
  "rollbacks:request",
  "rollbacks:approve",
  "runs:operate",
  "deployments:write",
] as const;
export type Scope = (typeof SCOPES)[number];
export const ZScope = z.enum(SCOPES);

/** Longest a token may live: a year. */
export const MAX_TOKEN_DAYS = 365;

export const ZCreateToken = z.object({
  name: singleLine().trim().min(1, "Name the token.").max(80),
  scopes: z.array(ZScope).min(1, "Choose at least one scope.").transform((s) => [...new Set(s)]),
  expiresInDays: z.coerce.number().int().min(1).max(MAX_TOKEN_DAYS),
});
export type CreateToken = z.infer<typeof ZCreateToken>;

export const ZRevokeToken = z.object({ tokenId: z.uuid() });

export const ZRotateToken = z.object({
  tokenId: z.uuid(),
  /** How long the old secret keeps working, so a pipeline can switch over: 0 to 30 days. */
  overlapHours: z.coerce.number().int().min(0).max(24 * 30),
});
