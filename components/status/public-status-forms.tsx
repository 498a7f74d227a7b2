"use client";
import { useActionState, useEffect } from "react";
import { postPublicUpdateAction, setServiceStateAction } from "@/lib/status/actions";
import { initialState } from "@/lib/action-state";
import { PUBLIC_STATUSES, SERVICE_STATES, STATE_LABELS } from "@/lib/status/schemas";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/field";
import { useFocusOnSuccess } from "@/components/ui/focus-result";
import { defaultPublicStatus } from "@/lib/status/default-status";

export function PublicUpdateForm({ incidentKey, publicTitle, showProgress, incidentStatus, lastPublished }: { incidentKey: string; publicTitle: string | null; showProgress: boolean; incidentStatus: string; lastPublished: string | null }) {
  const [state, action, pending] = useActionState(postPublicUpdateAction, initialState);
  const result = useFocusOnSuccess(state);
  const v = state.ok ? {} : (state.values ?? {});
  const forward = defaultPublicStatus(incidentStatus, lastPublished);
  const e = state.fieldErrors ?? {};
  // The Status card's "Write the resolution update" link lands here with "Resolved" chosen.
  useEffect(() => {
    const onHash = () => {
      const form = document.getElementById("resolution-update");
      const status = form?.querySelector<HTMLSelectElement>("select[name=status]");
      if (window.location.hash !== "#resolution-update" || !status) return;
      status.value = "resolved";
      form?.querySelector<HTMLTextAreaElement>("textarea[name=body]")?.focus();
    };
    onHash();
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return (
    <form action={action} id="resolution-update" key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} className="space-y-3" aria-label="Public update">
      <input type="hidden" name="key" value={incidentKey} />
      <FormMessage message={state.message} ok={state.ok} focusRef={result} />
      <Field label="Public title" name="publicTitle" error={e.publicTitle} hint="What customers read: no internal names, versions or people.">
        <TextInput name="publicTitle" defaultValue={String(v.publicTitle ?? publicTitle ?? "")} error={e.publicTitle} />
      </Field>
      {/* Own id: the incident page's Status card has a "status" select too. */}
      <Field label="Public status" name="public-status" error={e.status}>
        {/* Keyed by the default: when the incident moves on (live), the offered status moves with it; typed text stays. */}
        <Select key={forward} id="public-status" name="status" defaultValue={String(v.status ?? forward)}>
          {PUBLIC_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s[0]!.toUpperCase() + s.slice(1)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Update for the status page" name="public-body" error={e.body}>
        <TextArea id="public-body" name="body" rows={3} defaultValue={String(v.body ?? "")} error={e.body} />
      </Field>
      <label className="flex min-h-11 items-center gap-3 text-sm">
        <input type="checkbox" name="showProgress" value="on" defaultChecked={showProgress} className="h-5 w-5" />
        Show the rollback&rsquo;s progress as a bar on the status page
      </label>
      <Button type="submit" variant="secondary" disabled={pending} className="w-full">
        {pending ? "Publishing…" : "Publish update"}
      </Button>
    </form>
  );
}

export function ServiceStateForm({ incidentKey, service }: { incidentKey: string; service: { id: string; name: string; state: string } }) {
  const [state, action, pending] = useActionState(setServiceStateAction, initialState);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2" aria-label={`State of ${service.name}`}>
      <input type="hidden" name="key" value={incidentKey} />
      <input type="hidden" name="serviceId" value={service.id} />
      <label className="min-w-40 flex-1 text-sm font-medium" htmlFor={`state-${service.id}`}>
        {service.name}
        <Select name="state" id={`state-${service.id}`} defaultValue={service.state}>
          {SERVICE_STATES.map((s) => (
            <option key={s} value={s}>
              {STATE_LABELS[s]}
            </option>
          ))}
        </Select>
      </label>
      <Button type="submit" variant="secondary" disabled={pending}>
        Set
      </Button>
      {state.message && (
        <p role={state.ok ? "status" : "alert"} className="w-full text-xs">
          {state.message}
        </p>
      )}
    </form>
  );
}
