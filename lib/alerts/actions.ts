"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireCtx } from "../auth/session.ts";
import { errorState, formValues, type ActionState } from "../action-state.ts";
import { formAction } from "../form-action.ts";
import { fromForm } from "./integration-form.ts";
import { createIntegration, deleteIntegration, rotateIntegrationToken, setIntegrationEnabled, updateIntegration } from "./integrations.ts";
import { setAutomationEnabled, setServiceAutomation } from "./kill-switch.ts";

const integrations = () => "/admin/integrations";

/** A token travels back to the admin once, in the action's answer; it is stored only as a hash. */
export type TokenState = ActionState & { token?: string; slug?: string };

async function withToken(form: FormData, run: (values: Record<string, string | string[]>) => Promise<{ slug: string; token: string }>, message: (slug: string) => string): Promise<TokenState> {
  const values = formValues(form);
  try {
    const r = await run(values);
    revalidatePath(integrations());
    return { ok: true, message: message(r.slug), token: r.token, slug: r.slug, at: Date.now() };
  } catch (err) {
    const kept = Object.fromEntries(Object.entries(values).filter(([k]) => k !== "secret"));
    return errorState(err, kept);
  }
}

export async function createIntegrationAction(_prev: TokenState, form: FormData): Promise<TokenState> {
  return withToken(form, async (values) => fromForm(createIntegration)({ ctx: await requireCtx(), input: values }), (slug) => `Created ${slug}.`);
}

export async function rotateIntegrationTokenAction(_prev: TokenState, form: FormData): Promise<TokenState> {
  return withToken(form, async (values) => rotateIntegrationToken({ ctx: await requireCtx(), input: values }), () => "New token created; the old one no longer works.");
}

export const updateIntegrationAction = formAction(fromForm(updateIntegration), { revalidate: integrations, success: (r) => `Saved ${r.name}.`, clears: true, secret: ["secret"] });

export const setIntegrationEnabledAction = formAction(setIntegrationEnabled, {
  revalidate: integrations,
  success: (r) => (r.changed ? (r.enabled ? `${r.slug} is enabled.` : `${r.slug} is disabled: its posts are refused (401).`) : "No change."),
  clears: true,
});

/** On success the integration is gone, so the page itself says what happened (?deleted=…). */
export async function deleteIntegrationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form);
  let done: { name: string };
  try {
    done = await deleteIntegration({ ctx: await requireCtx(), input: values });
  } catch (err) {
    return errorState(err, values);
  }
  revalidatePath(integrations());
  redirect(`/admin/integrations?${new URLSearchParams({ deleted: done.name }).toString()}`);
}

export const setAutomationAction = formAction(setAutomationEnabled, {
  revalidate: () => ["/admin/settings", "/alerts"],
  success: (r) => (r.changed ? (r.enabled ? "Automation is on." : "Automation is off: alerts are recorded and decided, a person acts.") : "No change."),
  clears: true,
});

export const setServiceAutomationAction = formAction(setServiceAutomation, {
  revalidate: () => ["/services", "/alerts"],
  success: (r) => (r.changed ? `Automation for ${r.name} is ${r.enabled ? "on" : "off"}.` : "No change."),
  clears: true,
});
