"use server";
import { formAction, paramsFromForm } from "../form-action.ts";
import { showPlan } from "./show-plan.ts";

export const planRunbookAction = formAction(showPlan, {
  input: (v, form) => ({ runbook: v.runbook, environment: v.environment || undefined, params: paramsFromForm(form) }),
  success: (plan) => (plan.checksPassed ? "Planned: every check passed. Nothing was changed." : "Planned: some checks failed (below). Nothing was changed."),
  data: (plan) => plan,
});
