import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { env } from "@/lib/env";
import { listIntegrations, type IntegrationRow } from "@/lib/alerts/queries";
import { aliasesToText, metricsToText } from "@/lib/alerts/integration-form";
import { commsKey } from "@/lib/comms/key";
import {
  AddIntegrationForm,
  DeleteIntegrationForm,
  EditIntegrationForm,
  IntegrationEnabledForm,
  KIND_LABELS,
  RotateTokenForm,
} from "@/components/alerts/integration-forms";
import { NotAllowed } from "@/components/auth/not-allowed";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";

export const metadata = { title: "Integrations" };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;
const summaryClass = "inline-flex min-h-11 cursor-pointer items-center text-sm font-medium";

function mappingSummary(i: IntegrationRow): string {
  const m = i.mapping;
  const parts = [`service from label “${m.serviceLabel}”`];
  if (m.trigger) parts.push(`trigger from ${m.trigger.from} “${m.trigger.name}”`);
  parts.push(m.metrics.length ? m.metrics.map((x) => `${x.metric} ← ${x.from} “${x.name}”${x.scale !== 1 ? ` × ${x.scale}` : ""}`).join(", ") : "metrics by their policy ids");
  return parts.join(" · ");
}

function IntegrationItem({ i, baseUrl }: { i: IntegrationRow; baseUrl: string }) {
  const h = `integration-${i.id}-h`;
  return (
    <li>
      <Card aria-labelledby={h} className="space-y-3">
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <h3 id={h} className="font-semibold break-all">
            {i.name}
          </h3>
          <span className="text-sm text-slate-600 dark:text-slate-400">{KIND_LABELS[i.kind] ?? i.kind}</span>
          <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${i.enabled ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-300" : "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200"}`}>
            {i.enabled ? "Enabled" : "Disabled"}
          </span>
          {i.shadow && <span className="rounded-full bg-slate-700 px-2 py-0.5 text-xs font-semibold text-white">Shadow mode</span>}
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-slate-600 dark:text-slate-400">URL</dt>
          <dd className="font-mono break-all">{`${baseUrl.replace(/\/$/, "")}/api/alerts/${i.slug}`}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Token</dt>
          <dd className="font-mono">••••{i.tokenHint}</dd>
          {i.kind === "grafana" && (
            <>
              <dt className="text-slate-600 dark:text-slate-400">HMAC</dt>
              <dd>{i.hasSecret ? "secret stored (signed posts required)" : "none"}</dd>
            </>
          )}
          <dt className="text-slate-600 dark:text-slate-400">Mapping</dt>
          <dd className="break-words">{mappingSummary(i)}</dd>
          <dt className="text-slate-600 dark:text-slate-400">Received</dt>
          <dd>
            {i.lastReceivedAt ? <RelativeTime iso={i.lastReceivedAt.toISOString()} /> : "nothing yet"} · {i.groups} alert group{i.groups === 1 ? "" : "s"}
          </dd>
        </dl>
        <div className="flex flex-wrap items-start gap-x-4 gap-y-2">
          <RotateTokenForm integration={{ id: i.id, name: i.name, slug: i.slug, kind: i.kind }} baseUrl={baseUrl} />
          <IntegrationEnabledForm integration={{ id: i.id, name: i.name, enabled: i.enabled }} />
        </div>
        <details>
          <summary className={`${summaryClass} text-sky-800 dark:text-sky-300`}>Edit {i.name}</summary>
          <div className="mt-2">
            <EditIntegrationForm
              integration={{
                id: i.id, name: i.name, slug: i.slug, kind: i.kind, shadow: i.shadow, enabled: i.enabled, hasSecret: i.hasSecret, prometheusUrl: i.prometheusUrl,
                mapping: {
                  serviceLabel: i.mapping.serviceLabel,
                  serviceAliases: aliasesToText(i.mapping.serviceAliases),
                  triggerFrom: i.mapping.trigger?.from ?? "none",
                  triggerName: i.mapping.trigger?.name ?? "",
                  metrics: metricsToText(i.mapping.metrics),
                },
              }}
            />
          </div>
        </details>
        <details>
          <summary className={`${summaryClass} text-red-800 dark:text-red-300`}>Delete {i.name}</summary>
          <div className="mt-2">
            <DeleteIntegrationForm integration={{ id: i.id, name: i.name }} />
          </div>
        </details>
      </Card>
    </li>
  );
}

export default async function IntegrationsPage({ searchParams }: { searchParams: Search }) {
  const me = await requireUser();
  if (!can(me.role, "integrations.manage")) {
    return <NotAllowed title="Administrators only">Your role cannot manage alert integrations.</NotAllowed>;
  }
  const sp = await searchParams;
  const deleted = typeof sp.deleted === "string" ? sp.deleted : null;
  const e = env();
  const baseUrl = e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`;
  const integrations = await listIntegrations();
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Integrations</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Alert sources that post to Rollcall. Each has its own URL and token (shown once, stored hashed) and a mapping from its labels to your services and the
          policy&apos;s readings. Alerts and what automation decided are under <a href="/alerts" className="underline">Alerts</a>.
        </p>
      </div>
      {!commsKey() && (
        <p role="alert" className="rounded-md bg-amber-50 p-3 text-sm dark:bg-amber-950">
          COMMS_KEY is not set: Grafana HMAC secrets cannot be stored. Tokens work without it.
        </p>
      )}
      {deleted && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">
          Deleted {deleted}; its alert groups and decisions are kept.
        </p>
      )}
      <section aria-labelledby="integrations-h" className="space-y-2">
        <h2 id="integrations-h" className="text-lg font-semibold">
          Your integrations
        </h2>
        {integrations.length === 0 ? (
          <Card>
            <p className="font-semibold">No integrations yet.</p>
            <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
              Add one below for Prometheus Alertmanager, Grafana, PagerDuty or any tool that can post JSON; Rollcall then hears alerts and, where the policy says
              so, declares the incident and rolls back on its own.
            </p>
          </Card>
        ) : (
          <ul className="space-y-3" aria-label="Integrations">
            {integrations.map((i) => (
              <IntegrationItem key={i.id} i={i} baseUrl={baseUrl} />
            ))}
          </ul>
        )}
      </section>
      <Card id="add-integration" aria-labelledby="add-integration-h">
        <h2 id="add-integration-h" className="mb-3 font-semibold">
          Add an integration
        </h2>
        <AddIntegrationForm baseUrl={baseUrl} />
      </Card>
    </div>
  );
}
