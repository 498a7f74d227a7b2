import type { Locator, Page } from "@playwright/test";
import { declareIncident, expect } from "./fixtures";

// The quick start's demo (DEMO=1): service "Demo Checkout" with the runbook "demo-service", whose
// last step is the seeds' post-rollback checklist.

export const CHECKLIST = [
  "User authentication works",
  "Critical business functions operational",
  "Data integrity confirmed",
  "Performance within acceptable limits",
  "Monitoring systems operational",
  "Backup systems functional",
] as const;

// A live run takes a few seconds (a deploy through a child process, five health checks 0.5 s apart).
export const RUN_TIMEOUT = 45_000;

export const runPanels = (page: Page) => page.getByTestId("run-panel");
export const steps = (panel: Locator) => panel.getByRole("list", { name: "Steps" }).locator("li[data-step-status]");
export const step = (panel: Locator, title: string) => steps(panel).filter({ hasText: `. ${title}` });

/** Opens a step's log (oncall only) and returns its text. */
export async function openLog(panel: Locator, title: string): Promise<string> {
  const details = step(panel, title).locator("details");
  if ((await details.getAttribute("open")) === null) await details.locator("summary", { hasText: "Log" }).click();
  const pre = details.locator("pre");
  await expect(pre).toBeVisible();
  await expect(pre).not.toHaveText("(no output yet)");
  return (await pre.textContent()) ?? "";
}

/** Declares an incident on "Demo Checkout"; HIGH by default (an on-call rollback needs no approval). */
export async function declareDemo(page: Page, title: string, severity: "HIGH" | "MEDIUM" = "HIGH"): Promise<string> {
  return declareIncident(page, {
    title,
    severity,
    trigger: "Checkout answers 503 to 3 requests in 5 since v2",
    services: ["Demo Checkout"],
    summary: "The demo service's v2 is failing; rolling back to v1.",
  });
}

/**
 * The oncall requests the service's live rollback in production from the Rollback card. On a HIGH
 * incident the gate is open, so the record is approved and its run starts in the same step.
 */
export async function startDemoRollback(page: Page, reason = "v2 fails 3 of 5 checkouts; v1 was healthy") {
  const form = page.getByRole("form", { name: "Request rollback" });
  await expect(form.getByLabel("Runbook")).toHaveValue("demo-service");
  await expect(form.getByLabel("Mode")).toHaveValue("live");
  await expect(form.getByLabel("Environment")).toHaveValue("production");
  await expect(form.getByLabel("Roll back to")).toHaveValue("v1");
  await form.getByLabel("Reason").fill(reason);
  await form.getByRole("button", { name: "Start rollback now", exact: true }).click();
}

/** Ticks every checklist item of the paused demo run and confirms the step. */
export async function confirmChecklist(page: Page) {
  const confirm = runPanels(page).first().getByRole("form", { name: "Confirm Post-rollback checklist" });
  await expect(confirm.getByRole("checkbox")).toHaveCount(CHECKLIST.length, { timeout: RUN_TIMEOUT });
  for (const item of CHECKLIST) await confirm.getByRole("checkbox", { name: item }).check();
  await confirm.getByRole("button", { name: "Confirm step" }).click();
}
