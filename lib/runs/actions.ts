"use server";
import { formAction, paramsFromForm } from "../form-action.ts";
import { operateRun } from "./operate.ts";
import { startRun } from "./start-run.ts";

export const startRunAction = formAction(startRun, {
  input: (v, form) => ({ key: v.key, runbook: v.runbook, mode: v.mode, environment: v.environment, params: paramsFromForm(form) }),
  revalidate: (v) => `/incidents/${String(v.key)}`,
  success: "Dry run started.",
  clears: true,
});

export const operateRunAction = formAction(operateRun, {
  input: (v, form) => ({ ...v, checked: form.getAll("checked") }),
  success: "Done.",
  clears: true,
});
