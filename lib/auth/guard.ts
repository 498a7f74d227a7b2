import { AppError } from "../errors.ts";
import { actorRole, type Actor } from "./actor.ts";
import { can, type Action } from "./permissions.ts";

/** First line of every verb: the system actor may do anything, others per the permissions table. */
export function assertCan(actor: Actor, action: Action) {
  if (actor.type === "system") return;
  if (!can(actorRole(actor), action)) {
    throw new AppError("FORBIDDEN", `Your role may not do this (${action}).`);
  }
}
