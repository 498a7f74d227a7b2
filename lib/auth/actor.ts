import type { RoleName } from "./permissions.ts";

/** Who did something. The audit trail always says which of these it was. */
export type Actor =
  | { type: "user"; id: string; email: string; name: string; role: RoleName }
  | { type: "system"; label: string }
  | { type: "webhook"; id: string; label: string }
  /** An API token (lib/api-tokens): id is the token, userId its owner, role the owner's role now. */
  | { type: "token"; id: string; label: string; role: RoleName; userId?: string }
  /** Rollcall acting on an alert (lib/alerts): only what AUTOMATION_ACTIONS allows; id is the alert group. */
  | { type: "automation"; id: string; label: string };

export type Ctx = { actor: Actor; ip?: string | null };

export function actorRole(actor: Actor): RoleName | null {
  if (actor.type === "user" || actor.type === "token") return actor.role;
  return null;
}

export function actorFields(actor: Actor) {
  switch (actor.type) {
    case "user":
      return { actorType: "user", actorId: actor.id, actorLabel: actor.name || actor.email };
    case "token":
    case "webhook":
    case "automation":
      return { actorType: actor.type, actorId: actor.id, actorLabel: actor.label };
    case "system":
      return { actorType: "system", actorId: null, actorLabel: actor.label };
  }
}

/** The person behind the actor: a signed-in user, or the owner of an API token. */
export function personId(actor: Actor): string | null {
  if (actor.type === "user") return actor.id;
  if (actor.type === "token") return actor.userId ?? null;
  return null;
}

export const SYSTEM: Actor = { type: "system", label: "Rollcall" };

/** How a rollback record requested by automation names its requester (it has no user). */
export const AUTOMATION_LABEL = "Rollcall automation";

export function actorLabel(actor: Actor): string {
  return actorFields(actor).actorLabel;
}
