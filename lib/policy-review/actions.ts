"use server";
import { revalidatePath } from "next/cache";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { reviewPolicy } from "./review-policy.ts";

export async function reviewPolicyAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  try {
    const r = await reviewPolicy({ ctx: await requireCtx(), input: values });
    revalidatePath("/matrix");
    revalidatePath("/");
    return { ok: true, message: `Marked version ${r.version} as reviewed.`, at: Date.now() };
  } catch (err) {
    return errorState(err, values);
  }
}
