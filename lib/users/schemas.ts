import { z } from "zod";
import { singleLine } from "../validation/text.ts";
import { ROLES } from "../auth/permissions.ts";

// One password rule for every way a password is set (by an admin, or by an invited user).
export const ZPassword = singleLine().min(12, "Passwords need at least 12 characters.").max(200, "Passwords are limited to 200 characters.");

const ZEmail = z
  .email("Enter a valid email address.")
  .max(254)
  .transform((v) => v.toLowerCase());
const ZName = singleLine().trim().min(1, "Enter a name.").max(100, "Names are limited to 100 characters.");
const ZRole = z.enum(ROLES, "Choose a role.");

export const ZCreateUser = z.object({ email: ZEmail, name: ZName, role: ZRole, password: ZPassword });
export type CreateUser = z.infer<typeof ZCreateUser>;

export const ZInviteUser = z.object({ email: ZEmail, name: ZName, role: ZRole });
export type InviteUser = z.infer<typeof ZInviteUser>;

export const ZInviteTarget = z.object({ userId: z.uuid() });
export type InviteTarget = z.infer<typeof ZInviteTarget>;

export const ZAcceptInvite = z
  .object({
    // 32 bytes in base64url are 43 characters; anything else cannot be one of ours.
    token: singleLine().regex(/^[A-Za-z0-9_-]{43}$/, "This invitation link is not valid."),
    password: ZPassword,
    confirm: singleLine(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords differ." });
export type AcceptInvite = z.infer<typeof ZAcceptInvite>;

export const ZChangeRole = z.object({ userId: z.uuid(), role: ZRole });
export type ChangeRole = z.infer<typeof ZChangeRole>;

export const ZSetActive = z.object({ userId: z.uuid(), active: z.enum(["true", "false"]).transform((v) => v === "true") });
export type SetActive = z.infer<typeof ZSetActive>;

export const ZChangePassword = z
  .object({
    current: singleLine().min(1, "Enter your current password.").max(200),
    password: ZPassword,
    confirm: singleLine(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The two passwords differ." });
export type ChangePassword = z.infer<typeof ZChangePassword>;

export const ZResetPassword = z.object({ userId: z.uuid() });
export type ResetPassword = z.infer<typeof ZResetPassword>;
