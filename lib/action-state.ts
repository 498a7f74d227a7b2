import { isAppError } from "./errors.ts";
import { isDatabaseUnavailable } from "./db/availability.ts";

/** What a form action returns: a message, per-field errors, and what the user typed (kept on error). */
export type ActionState<D = never> = {
  ok: boolean;
  /** On success, what the form shows (a plan); only actions built with `data` have it. */
  data?: D;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string | string[]>;
  /** Set on success so forms that should clear can re-mount. */
  at?: number;
};

export const initialState: ActionState = { ok: false };

export function formValues(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const all = form.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = all.length > 1 || key.endsWith("Ids") ? all : (all[0] ?? "");
  }
  return out;
}

/** Turns a thrown AppError into form state; anything else is logged and shown generically. */
export function errorState(err: unknown, values: Record<string, string | string[]>): ActionState {
  if (isAppError(err)) {
    return { ok: false, message: err.message, fieldErrors: err.fieldErrors, values };
  }
  if (isDatabaseUnavailable(err)) {
    console.error("[action] database unreachable", err instanceof Error ? err.message : err);
    return { ok: false, message: "The database is unreachable right now. Nothing was changed; try again in a moment.", values };
  }
  console.error("[action] unexpected error", err);
  return { ok: false, message: "Something went wrong on the server. Nothing was changed; try again.", values };
}
