"use client";
import { useActionState } from "react";
import { setAutomationAction, setServiceAutomationAction } from "@/lib/alerts/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/field";

/** The global automation kill switch: off, alerts are recorded and decided but a person acts. */
export function AutomationSwitchForm({ enabled }: { enabled: boolean }) {
  const [state, action, pending] = useActionState(setAutomationAction, initialState);
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const reason = state.ok ? "" : typeof state.values?.reason === "string" ? state.values.reason : "";
  return (
    <form action={action} key={`${String(enabled)}-${state.at ?? ""}`} aria-label="Automation for every service" className="space-y-3">
      <FormMessage message={state.message} ok={state.ok} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <Field label={`Why ${enabled ? "switch automation off" : "switch automation back on"}`} name="automation-reason" error={e.reason} hint="Kept in the audit trail.">
        <TextInput id="automation-reason" name="reason" defaultValue={reason} error={e.reason} autoComplete="off" />
      </Field>
      <Button type="submit" variant={enabled ? "danger" : "primary"} disabled={pending}>
        {enabled ? "Switch automation off" : "Switch automation on"}
      </Button>
    </form>
  );
}

/** The per-service kill switch. */
export function ServiceAutomationForm({ services }: { services: { id: string; name: string; automationEnabled: boolean }[] }) {
  const [state, action, pending] = useActionState(setServiceAutomationAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  return (
    <form action={action} key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} aria-label="Automation for one service" className="grid gap-3 sm:grid-cols-3">
      <div className="sm:col-span-3">
        <FormMessage message={state.message} ok={state.ok} />
      </div>
      <Field label="Service" name="service-automation-service" error={e.serviceId}>
        <Select id="service-automation-service" name="serviceId" defaultValue={typeof v.serviceId === "string" ? v.serviceId : ""}>
          <option value="">Choose a service</option>
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} (automation {s.automationEnabled ? "on" : "off"})
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Automation" name="service-automation-enabled" error={e.enabled}>
        <Select id="service-automation-enabled" name="enabled" defaultValue={typeof v.enabled === "string" ? v.enabled : "off"}>
          <option value="off">Off: a person decides</option>
          <option value="on">On</option>
        </Select>
      </Field>
      <Field label="Why" name="service-automation-reason" error={e.reason} hint="Kept in the audit trail.">
        <TextInput id="service-automation-reason" name="reason" defaultValue={typeof v.reason === "string" ? v.reason : ""} error={e.reason} autoComplete="off" />
      </Field>
      <div className="sm:col-span-3">
        <Button type="submit" variant="secondary" disabled={pending}>
          Save for this service
        </Button>
      </div>
    </form>
  );
}
