"use server";
import { formAction } from "../form-action.ts";
import { createApiToken, revokeApiToken, rotateApiToken } from "./tokens.ts";

/** The secret travels back to its owner once, in the action's answer; only its hash is stored. */
export type ShownSecret = { name: string; secret: string; expiresAt: string; oldValidUntil?: string };

const paths = () => ["/account", "/admin/tokens"];

export const createApiTokenAction = formAction(createApiToken, {
  input: (values, form) => ({ ...values, scopes: form.getAll("scopes") }),
  revalidate: paths,
  success: (t) => `Created ${t.name}. Copy the token now: it is not shown again.`,
  data: (t): ShownSecret => ({ name: t.name, secret: t.secret, expiresAt: t.expiresAt?.toISOString() ?? "" }),
});

export const rotateApiTokenAction = formAction(rotateApiToken, {
  revalidate: paths,
  success: (t) => `Rotated ${t.name}. Copy the new token now: it is not shown again.`,
  data: (t): ShownSecret => ({ name: t.name, secret: t.secret, expiresAt: t.expiresAt?.toISOString() ?? "", oldValidUntil: t.oldValidUntil.toISOString() }),
});

export const revokeApiTokenAction = formAction(revokeApiToken, { revalidate: paths, success: "Revoked." });
