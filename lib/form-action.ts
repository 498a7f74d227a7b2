import { revalidatePath } from "next/cache";
import { requireCtx } from "./auth/session.ts";
import { errorState, formValues, type ActionState } from "./action-state.ts";
import type { Ctx } from "./auth/actor.ts";

// The one shape of a form's server action: read the form, resolve the signed-in actor on the
// server, hand the raw input to a verb (which checks permission and validates), revalidate, say
// what happened; on an error the user can act on, return it with what they typed.

export type FormValues = Record<string, string | string[]>;
type Verb<R> = (args: { ctx: Ctx; input: unknown }) => Promise<R>;

export type FormActionOptions<R, D = never> = {
  /** The verb's input, when it is not the form's values as they are. */
  input?: (values: FormValues, form: FormData) => unknown;
  /** Paths whose pages show what changed. */
  revalidate?: (values: FormValues, result: R) => string | string[];
  /** The confirmation shown next to the form. */
  success: string | ((result: R, values: FormValues) => string);
  /** Forms that clear after success re-mount on `at`. */
  clears?: boolean;
  /** Values never sent back to the browser on an error (secrets the user typed). */
  secret?: readonly string[];
  /** What the form shows on success, sent to the browser: pick only what may be shown. */
  data?: (result: R, values: FormValues) => D;
};

/** Builds a `useActionState` server action around a verb; export it from a "use server" file. */
export function formAction<R, D = never>(verb: Verb<R>, opts: FormActionOptions<R, D>) {
  return async (_prev: ActionState<D>, form: FormData): Promise<ActionState<D>> => {
    const values = formValues(form);
    try {
      const result = await verb({ ctx: await requireCtx(), input: opts.input ? opts.input(values, form) : values });
      const paths = opts.revalidate?.(values, result) ?? [];
      for (const p of Array.isArray(paths) ? paths : [paths]) revalidatePath(p);
      const message = typeof opts.success === "string" ? opts.success : opts.success(result, values);
      return { ok: true, message, ...(opts.clears ? { at: Date.now() } : {}), ...(opts.data ? { data: opts.data(result, values) } : {}) };
    } catch (err) {
      const kept = Object.fromEntries(Object.entries(values).filter(([k]) => !opts.secret?.includes(k)));
      return errorState(err, kept);
    }
  };
}

/** The `param.<name>` fields of a runbook form, as one object. */
export function paramsFromForm(form: FormData): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (k.startsWith("param.") && typeof v === "string") params[k.slice(6)] = v;
  return params;
}
