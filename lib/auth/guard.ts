import { AppError } from "../errors.ts";
import { actorRole, type Actor } from "./actor.ts";
import { AUTOMATION_ACTIONS, can, type Action } from "./permissions.ts";

/** First line of every verb: the system actor may do anything, automation its short list, others per the permissions table. */
export function assertCan(actor: Actor, action: Action) {
  if (actor.type === "system") return;
  if (actor.type === "automation") {
    if (AUTOMATION_ACTIONS.includes(action)) return;
    throw new AppError("FORBIDDEN", `Automation may not do this (${action}).`);
  }
  if (!can(actorRole(actor), action)) {
    throw new AppError("FORBIDDEN", `Your role may not do this (${action}).`);
  }
}
