import { z } from "zod";
import { ROLES } from "../auth/permissions.ts";

export const ZCreateUser = z.object({
  email: z.email("Enter a valid email address.").max(254).transform((v) => v.toLowerCase()),
  name: z.string().trim().min(1, "Enter a name.").max(100, "Names are limited to 100 characters."),
  role: z.enum(ROLES, "Choose a role."),
  password: z.string().min(12, "Passwords need at least 12 characters.").max(200, "Passwords are limited to 200 characters."),
});
export type CreateUser = z.infer<typeof ZCreateUser>;

export const ZChangeRole = z.object({ userId: z.uuid(), role: z.enum(ROLES, "Choose a role.") });
export type ChangeRole = z.infer<typeof ZChangeRole>;

export const ZSetActive = z.object({ userId: z.uuid(), active: z.enum(["true", "false"]).transform((v) => v === "true") });
export type SetActive = z.infer<typeof ZSetActive>;
