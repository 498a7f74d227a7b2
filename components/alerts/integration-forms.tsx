"use client";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import {
  createIntegrationAction,
  deleteIntegrationAction,
  rotateIntegrationTokenAction,
  setIntegrationEnabledAction,
  updateIntegrationAction,
  type TokenState,
} from "@/lib/alerts/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, Select, TextArea, TextInput, inputClass } from "@/components/ui/field";

type Values = Record<string, string | string[]>;
type Errors = Record<string, string[]>;

export const KIND_LABELS: Record<string, string> = {
  alertmanager: "Prometheus Alertmanager (webhook v4)",
  grafana: "Grafana Alerting (webhook)",
  pagerduty: "PagerDuty Events API v2",
  generic: "Generic JSON (Rollcall's format)",
};

export type MappingText = { serviceLabel: string; serviceAliases: string; triggerFrom: string; triggerName: string; metrics: string };

const s = (v: Values, k: string, d = "") => (typeof v[k] === "string" ? (v[k] as string) : d);

/** How to point a source at this integration, with the token filled in. */
function senderHint(kind: string, url: string, token: string): string {
  switch (kind) {
    case "alertmanager":
      return `receivers:\n  - name: rollcall\n    webhook_configs:\n      - url: ${url}\n        send_resolved: true\n        http_config:\n          authorization: { type: Bearer, credentials: ${token} }`;
    case "grafana":
      return `Contact point → Webhook\n  URL: ${url}\n  Authorization header: scheme Bearer, credentials ${token}\n  HMAC signature (optional): the secret saved here; timestamp header X-Grafana-Alerting-Timestamp`;
    case "pagerduty":
      return `Events API v2: POST ${url}\n  with "routing_key": "${token}" in the body (or Authorization: Bearer ${token})`;
    default:
      return `curl -X POST ${url} -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' -d @alert.json`;
  }
}

/** The one time a token is shown: it is stored only as a hash. */
function TokenBox({ token, slug, kind, baseUrl, message }: { token: string; slug: string; kind: string; baseUrl: string; message?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const url = `${baseUrl.replace(/\/$/, "")}/api/alerts/${slug}`;
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  async function copy() {
    try {
      await navigator.clipboard.writeText(token);
      setCopied("Copied.");
    } catch {
      input.current?.select();
      setCopied("Copying was blocked by the browser: the token is selected, press Ctrl+C (⌘C on a Mac).");
    }
  }
  return (
    <section aria-label={`Token for ${slug}`} className="space-y-2 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-100">
      {message && (
        <p role="status" className="font-semibold">
          {message}
        </p>
      )}
      <p>This token is shown only once. Put it in your alert source now; Rollcall keeps only its hash.</p>
      <label htmlFor={id} className="block font-medium">
        Token
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          ref={input}
          id={id}
          readOnly
          value={token}
          data-testid="integration-token"
          onFocus={(e) => e.currentTarget.select()}
          className="min-h-11 w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        />
        <Button type="button" variant="secondary" onClick={() => void copy()} className="shrink-0">
          Copy token
        </Button>
      </div>
      <p aria-live="polite" className="min-h-5 text-xs">
        {copied}
      </p>
      <p className="font-medium">URL: <span className="font-mono break-all">{url}</span></p>
      <pre className="overflow-x-auto rounded bg-white p-2 text-xs text-slate-900 dark:bg-slate-900 dark:text-slate-100">{senderHint(kind, url, token)}</pre>
    </section>
  );
}

function MappingFields({ prefix, v, e }: { prefix: string; v: Values; e: Errors }) {
  const id = (k: string) => `${prefix}-${k}`;
  return (
    <fieldset className="grid gap-3 sm:col-span-2 sm:grid-cols-2">
      <legend className="mb-1 text-sm font-semibold">Mapping: what an alert says</legend>
      <Field label="Label naming the service" name={id("serviceLabel")} error={e.serviceLabel} hint="Its value is matched to a service's name (case and punctuation ignored).">
        <TextInput id={id("serviceLabel")} name="serviceLabel" defaultValue={s(v, "serviceLabel", "service")} error={e.serviceLabel} autoComplete="off" />
      </Field>
      <Field label="Service aliases (one per line)" name={id("serviceAliases")} error={e.serviceAliases} hint="label value = Service name, e.g. checkout-svc = Demo Checkout">
        <TextArea id={id("serviceAliases")} name="serviceAliases" rows={2} defaultValue={s(v, "serviceAliases")} error={e.serviceAliases} spellCheck={false} />
      </Field>
      <Field label="Trigger (a policy trigger id) from" name={id("triggerFrom")} error={e.triggerFrom}>
        <Select id={id("triggerFrom")} name="triggerFrom" defaultValue={s(v, "triggerFrom", "none")}>
          <option value="none">No trigger: metric readings only</option>
          <option value="label">a label</option>
          <option value="annotation">an annotation</option>
        </Select>
      </Field>
      <Field label="Trigger label or annotation name" name={id("triggerName")} error={e.triggerName} hint="e.g. rollcall_trigger, with values like system_down">
        <TextInput id={id("triggerName")} name="triggerName" defaultValue={s(v, "triggerName")} error={e.triggerName} autoComplete="off" />
      </Field>
      <div className="sm:col-span-2">
        <Field
          label="Metric readings (one per line)"
          name={id("metrics")}
          error={e.metrics}
          hint="policy-metric label|annotation|value name [scale], e.g. “error_rate_pct annotation error_rate 100”. Empty: a policy metric's own id is read from an annotation, label or value of that name."
        >
          <TextArea id={id("metrics")} name="metrics" rows={3} defaultValue={s(v, "metrics")} error={e.metrics} spellCheck={false} className={`${inputClass} font-mono`} />
        </Field>
      </div>
    </fieldset>
  );
}

function CommonFields({ prefix, v, e, kind, hasSecret }: { prefix: string; v: Values; e: Errors; kind: string; hasSecret?: boolean }) {
  const id = (k: string) => `${prefix}-${k}`;
  return (
    <>
      <label className="flex min-h-11 items-center gap-2 text-sm sm:col-span-2">
        <input type="checkbox" name="shadow" value="on" defaultChecked={s(v, "shadow") === "on" || s(v, "shadow") === "true"} className="h-4 w-4" />
        Shadow mode: record what automation would do with these alerts, do nothing
      </label>
      {kind === "grafana" && (
        <Field
          label="HMAC secret (optional)"
          name={id("secret")}
          error={e.secret}
          hint={hasSecret ? "A secret is stored: leave blank to keep it. Signed posts are then required." : "With a secret, posts must carry Grafana's X-Grafana-Alerting-Signature."}
        >
          <TextInput id={id("secret")} name="secret" type="password" autoComplete="off" error={e.secret} placeholder={hasSecret ? "Unchanged" : undefined} />
        </Field>
      )}
      {kind === "grafana" && hasSecret && (
        <label className="flex min-h-11 items-center gap-2 text-sm">
          <input type="checkbox" name="clearSecret" value="on" className="h-4 w-4" />
          Remove the stored secret
        </label>
      )}
      <Field label="Prometheus URL (optional)" name={id("prometheusUrl")} error={e.prometheusUrl} hint="For charting a triggering metric over time on the incident page.">
        <TextInput id={id("prometheusUrl")} name="prometheusUrl" defaultValue={s(v, "prometheusUrl")} error={e.prometheusUrl} placeholder="http://prometheus:9090" autoComplete="off" />
      </Field>
    </>
  );
}

export function AddIntegrationForm({ baseUrl }: { baseUrl: string }) {
  const [state, action, pending] = useActionState(createIntegrationAction, initialState as TokenState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const [kind, setKind] = useState(s(v, "kind", "alertmanager"));
  const id = (k: string) => `new-integration-${k}`;
  return (
    <div className="space-y-3">
      {state.ok && state.token && state.slug && <TokenBox key={state.at} token={state.token} slug={state.slug} kind={kind} baseUrl={baseUrl} message={state.message} />}
      <form action={action} key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} className="grid gap-3 sm:grid-cols-2" aria-label="Add integration">
        <div className="sm:col-span-2">{!state.ok && <FormMessage message={state.message} ok={false} />}</div>
        <Field label="Name" name={id("name")} error={e.name}>
          <TextInput id={id("name")} name="name" defaultValue={s(v, "name")} error={e.name} placeholder="Production Alertmanager" autoComplete="off" />
        </Field>
        <Field label="Kind" name={id("kind")} error={e.kind}>
          <Select id={id("kind")} name="kind" value={kind} onChange={(ev) => setKind(ev.target.value)}>
            {Object.entries(KIND_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="URL name (optional)" name={id("slug")} error={e.slug} hint="The last part of /api/alerts/…; made from the name when blank. It cannot change later.">
          <TextInput id={id("slug")} name="slug" defaultValue={s(v, "slug")} error={e.slug} autoComplete="off" spellCheck={false} />
        </Field>
        <CommonFields prefix="new-integration" v={v} e={e} kind={kind} />
        <MappingFields prefix="new-integration" v={v} e={e} />
        <div className="sm:col-span-2">
          <Button type="submit" disabled={pending}>
            {pending ? "Adding…" : "Add integration"}
          </Button>
        </div>
      </form>
    </div>
  );
}

export type EditableIntegration = { id: string; name: string; slug: string; kind: string; shadow: boolean; enabled: boolean; hasSecret: boolean; prometheusUrl: string | null; mapping: MappingText };

export function EditIntegrationForm({ integration: i }: { integration: EditableIntegration }) {
  const [state, action, pending] = useActionState(updateIntegrationAction, initialState);
  const saved: Values = { name: i.name, shadow: i.shadow ? "on" : "", prometheusUrl: i.prometheusUrl ?? "", ...i.mapping };
  const v = state.ok || !state.values ? saved : state.values;
  const e = state.ok ? {} : (state.fieldErrors ?? {});
  const prefix = `integration-${i.id}`;
  return (
    <form action={action} key={state.ok ? `ok-${state.at}` : JSON.stringify(v)} aria-label={`Edit ${i.name}`} className="grid gap-3 sm:grid-cols-2">
      <input type="hidden" name="integrationId" value={i.id} />
      <div className="sm:col-span-2">
        <FormMessage message={state.message} ok={state.ok} />
      </div>
      <Field label="Name" name={`${prefix}-name`} error={e.name}>
        <TextInput id={`${prefix}-name`} name="name" defaultValue={s(v, "name")} error={e.name} autoComplete="off" />
      </Field>
      <div className="space-y-1 text-sm">
        <p className="font-medium">Kind and URL</p>
        <p>{KIND_LABELS[i.kind] ?? i.kind}</p>
        <p className="font-mono break-all">/api/alerts/{i.slug}</p>
      </div>
      <CommonFields prefix={prefix} v={v} e={e} kind={i.kind} hasSecret={i.hasSecret} />
      <MappingFields prefix={prefix} v={v} e={e} />
      <div className="sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save changes"}
        </Button>
      </div>
    </form>
  );
}

export function RotateTokenForm({ integration, baseUrl }: { integration: { id: string; name: string; slug: string; kind: string }; baseUrl: string }) {
  const [state, action, pending] = useActionState(rotateIntegrationTokenAction, initialState as TokenState);
  return (
    <div className="space-y-2">
      <form
        action={action}
        aria-label={`New token for ${integration.name}`}
        onSubmit={(ev) => {
          if (!window.confirm(`Create a new token for ${integration.name}? The current token stops working at once.`)) ev.preventDefault();
        }}
      >
        <input type="hidden" name="integrationId" value={integration.id} />
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Creating…" : "New token"}
        </Button>
      </form>
      {!state.ok && state.message && <FormMessage message={state.message} ok={false} />}
      {state.ok && state.token && <TokenBox key={state.at} token={state.token} slug={integration.slug} kind={integration.kind} baseUrl={baseUrl} message={state.message} />}
    </div>
  );
}

export function IntegrationEnabledForm({ integration }: { integration: { id: string; name: string; enabled: boolean } }) {
  const [state, action, pending] = useActionState(setIntegrationEnabledAction, initialState);
  return (
    <form action={action} aria-label={`${integration.enabled ? "Disable" : "Enable"} ${integration.name}`} className="space-y-1">
      <input type="hidden" name="integrationId" value={integration.id} />
      <input type="hidden" name="enabled" value={integration.enabled ? "false" : "true"} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {integration.enabled ? "Disable" : "Enable"}
      </Button>
      <FormMessage message={state.message} ok={state.ok} />
    </form>
  );
}

export function DeleteIntegrationForm({ integration }: { integration: { id: string; name: string } }) {
  const [state, action, pending] = useActionState(deleteIntegrationAction, initialState);
  const e = state.fieldErrors ?? {};
  const id = `integration-${integration.id}-confirm`;
  return (
    <form action={action} aria-label={`Delete ${integration.name}`} className="space-y-2">
      <input type="hidden" name="integrationId" value={integration.id} />
      {state.message && !e.confirmName && <FormMessage message={state.message} ok={state.ok} />}
      <p className="text-sm">Its alert groups and decisions are kept (under its name); posts to its URL are refused from now on.</p>
      <Field label="Type the integration's name to confirm" name={id} error={e.confirmName} hint={`Type “${integration.name}”.`}>
        <TextInput id={id} name="confirmName" defaultValue={typeof state.values?.confirmName === "string" ? state.values.confirmName : ""} error={e.confirmName} autoComplete="off" spellCheck={false} />
      </Field>
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Deleting…" : `Delete ${integration.name}`}
      </Button>
    </form>
  );
}
