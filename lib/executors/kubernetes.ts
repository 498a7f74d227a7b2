import { existsSync } from "node:fs";
import path from "node:path";
import type { AppsV1Api, KubeConfig, V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from "@kubernetes/client-node";
import { z } from "zod";
import { urlChecks } from "./net.ts";
import { sleep } from "./sleep.ts";
import type { Check, Executor, LogSink } from "./types.ts";

const REVISION = "deployment.kubernetes.io/revision";
const dnsName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "a Kubernetes object name");

export const ZKubernetesParams = z.strictObject({
  deployment: dnsName,
  namespace: dnsName.default("default"),
  toRevision: z.int().positive().optional().describe("default: the revision before the current one"),
  kubeconfig: z.string().min(1).optional().describe("default: the KUBECONFIG environment variable"),
  context: z.string().min(1).optional().describe("default: the kubeconfig's current context"),
  timeoutSeconds: z.number().positive().max(86_400).default(300).describe("how long to wait for the rollout"),
  pollSeconds: z.number().positive().max(60).default(2),
});
export type KubernetesParams = z.infer<typeof ZKubernetesParams>;

function kubeconfigFile(params: KubernetesParams, env: Record<string, string | undefined>): string {
  const file = params.kubeconfig ?? env.KUBECONFIG;
  if (!file) throw new Error("no kubeconfig: set KUBECONFIG in Rollcall's environment or kubeconfig in the step");
  if (file.includes(path.delimiter)) throw new Error(`KUBECONFIG lists several files (${file}); set the step's kubeconfig to the one to use`);
  if (!existsSync(file)) throw new Error(`kubeconfig ${file} does not exist`);
  return file;
}

async function connect(params: KubernetesParams, env: Record<string, string | undefined>): Promise<{ kc: KubeConfig; apps: AppsV1Api }> {
  // Loaded on first use: the client is large and most runbooks never touch a cluster.
  const k8s = await import("@kubernetes/client-node");
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigFile(params, env));
  if (params.context) {
    if (!kc.getContextObject(params.context)) throw new Error(`the kubeconfig has no context ${params.context}`);
    kc.setCurrentContext(params.context);
  }
  if (!kc.getCurrentCluster()) throw new Error("the kubeconfig's current context names no cluster");
  return { kc, apps: kc.makeApiClient(k8s.AppsV1Api) };
}

function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number | null {
  const v = Number(obj.metadata?.annotations?.[REVISION]);
  return Number.isInteger(v) && v > 0 ? v : null;
}

function images(template: V1PodTemplateSpec | undefined): string {
  return (template?.spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? "?"}`).join(", ");
}

/** The pod template as the API would take it back: plain JSON, without the controller's hash label. */
function plainTemplate(template: V1PodTemplateSpec): Record<string, unknown> {
  const t = JSON.parse(JSON.stringify(template)) as { metadata?: { labels?: Record<string, string> } } & Record<string, unknown>;
  if (t.metadata?.labels) delete t.metadata.labels["pod-template-hash"];
  return t;
}

type Target = { deployment: V1Deployment; current: number | null; target: V1ReplicaSet; targetRevision: number; revisions: number[] };

async function findTarget(apps: AppsV1Api, params: KubernetesParams): Promise<Target> {
  const { deployment: name, namespace } = params;
  const deployment = await apps.readNamespacedDeployment({ name, namespace });
  const labels = deployment.spec?.selector?.matchLabels ?? {};
  const labelSelector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
  const list = await apps.listNamespacedReplicaSet({ namespace, ...(labelSelector ? { labelSelector } : {}) });
  const uid = deployment.metadata?.uid;
  const owned = list.items.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === uid && o.kind === "Deployment"));
  const withRevision = owned.map((rs) => ({ rs, revision: revisionOf(rs) })).filter((x): x is { rs: V1ReplicaSet; revision: number } => x.revision !== null);
  const revisions = withRevision.map((x) => x.revision).sort((a, b) => a - b);
  const current = revisionOf(deployment) ?? revisions.at(-1) ?? null;
  const wanted = params.toRevision ?? [...revisions].reverse().find((r) => current === null || r < current);
  const found = withRevision.find((x) => x.revision === wanted);
  if (!found || wanted === undefined) {
    throw new Error(
      params.toRevision
        ? `${namespace}/${name} has no revision ${params.toRevision} (revisions: ${revisions.join(", ") || "none"})`
        : `${namespace}/${name} has no revision before ${current ?? "the current one"} to roll back to (revisions: ${revisions.join(", ") || "none"})`,
    );
  }
  return { deployment, current, target: found.rs, targetRevision: found.revision, revisions };
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  const why = () => new Error(signal.reason instanceof DOMException && signal.reason.name === "TimeoutError" ? "the cluster did not answer in time" : "aborted");
  if (signal.aborted) return Promise.reject(why());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(why());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function apiError(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (typeof e.code === "number") {
    let message = "";
    try {
      message = (JSON.parse(String(e.body)) as { message?: string }).message ?? "";
    } catch {
      message = String(e.body ?? "").slice(0, 200);
    }
    return `the API answered ${e.code}${message ? `: ${message}` : ""}`;
  }
  return e.message ?? String(err);
}

type RolloutState = { done: boolean; failed: string | null; summary: string };

/** The same conditions `kubectl rollout status` waits for. */
export function rolloutState(d: V1Deployment): RolloutState {
  const want = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  const updated = st.updatedReplicas ?? 0;
  const total = st.replicas ?? 0;
  const available = st.availableReplicas ?? 0;
  const summary = `${updated}/${want} updated, ${available} available, ${total} total`;
  const progressing = st.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") return { done: false, failed: `rollout exceeded its progress deadline: ${progressing.message ?? ""}`.trim(), summary };
  if ((st.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return { done: false, failed: null, summary: `waiting for the controller to see generation ${d.metadata?.generation}` };
  return { done: updated >= want && total <= updated && available >= updated, failed: null, summary };
}

async function waitForRollout(apps: AppsV1Api, params: KubernetesParams, signal: AbortSignal, log: LogSink): Promise<RolloutState> {
  const deadline = Date.now() + params.timeoutSeconds * 1000;
  let state: RolloutState = { done: false, failed: null, summary: "not checked" };
  while (Date.now() < deadline && !signal.aborted) {
    const d = await abortable(apps.readNamespacedDeploymentStatus({ name: params.deployment, namespace: params.namespace }), signal);
    state = rolloutState(d);
    log("info", `rollout: ${state.summary}`);
    if (state.done || state.failed) return state;
    if (!(await sleep(Math.min(params.pollSeconds * 1000, Math.max(0, deadline - Date.now())), signal))) break;
  }
  return state;
}

export const kubernetesExecutor: Executor<KubernetesParams> = {
  kind: "kubernetes",
  schema: ZKubernetesParams,
  budgetSeconds: (p) => p.timeoutSeconds + 60,

  async plan(params, ctx) {
    const summary = `roll back deployment ${params.namespace}/${params.deployment} to ${params.toRevision ? `revision ${params.toRevision}` : "its previous revision"}`;
    const checks: Check[] = [];
    let apps: AppsV1Api;
    let server: string;
    try {
      const c = await connect(params, ctx.env);
      apps = c.apps;
      server = c.kc.getCurrentCluster()?.server ?? "";
      checks.push({ name: "kubeconfig", ok: true, detail: `context ${c.kc.getCurrentContext()}, cluster ${server}` });
    } catch (err) {
      return { summary, actions: [], checks: [{ name: "kubeconfig", ok: false, detail: (err as Error).message }] };
    }
    checks.push(...(await urlChecks(server, { name: "cluster API" })));
    const actions = ["wait until the rollout completes (all replicas updated and available)"];
    if (checks.every((c) => c.ok)) {
      // Reading a deployment and its ReplicaSets changes nothing, so the plan looks them up.
      try {
        const t = await abortable(findTarget(apps, params), AbortSignal.timeout(15_000));
        checks.push({ name: "previous revision", ok: true, detail: `revision ${t.current} -> ${t.targetRevision} (${images(t.target.spec?.template)})` });
        if (t.deployment.spec?.paused) checks.push({ name: "deployment not paused", ok: false, detail: "the deployment is paused: resume it before rolling back" });
        actions.unshift(`PATCH deployment ${params.namespace}/${params.deployment}: pod template of revision ${t.targetRevision} (${images(t.target.spec?.template)}) replaces revision ${t.current} (${images(t.deployment.spec?.template)})`);
      } catch (err) {
        checks.push({ name: "previous revision", ok: false, detail: apiError(err) });
      }
    }
    return { summary, actions, checks };
  },

  async execute(params, ctx) {
    const say = (t: string) => ctx.log("info", t);
    try {
      const { apps } = await connect(params, ctx.env);
      const t = await abortable(findTarget(apps, params), ctx.signal);
      const from = { revision: t.current, images: images(t.deployment.spec?.template) };
      const to = { revision: t.targetRevision, images: images(t.target.spec?.template) };
      const output = { deployment: params.deployment, namespace: params.namespace, from, to };
      if (t.deployment.spec?.paused) return { ok: false, output, error: `${params.namespace}/${params.deployment} is paused: resume it before rolling back` };
      const template = plainTemplate(t.target.spec!.template!);
      if (JSON.stringify(plainTemplate(t.deployment.spec!.template)) === JSON.stringify(template)) {
        say(`the current template already matches revision ${t.targetRevision}: nothing to roll back`);
        return { ok: true, output: { ...output, skipped: true } };
      }
      say(`rolling ${params.namespace}/${params.deployment} back from revision ${from.revision} (${from.images}) to ${to.revision} (${to.images})`);
      // The test op makes the patch fail if someone changed the deployment since we read it.
      const patch = [
        { op: "test", path: "/metadata/resourceVersion", value: t.deployment.metadata?.resourceVersion },
        { op: "replace", path: "/spec/template", value: template },
      ];
      await abortable(apps.patchNamespacedDeployment({ name: params.deployment, namespace: params.namespace, body: patch }), ctx.signal);
      say("deployment patched; waiting for the rollout");
      const state = await waitForRollout(apps, params, ctx.signal, ctx.log);
      if (state.done) {
        say(`rollout complete: ${state.summary}`);
        return { ok: true, output: { ...output, rollout: state.summary } };
      }
      if (ctx.signal.aborted) return { ok: false, output, error: "aborted while waiting for the rollout (the deployment was already patched)" };
      return { ok: false, output: { ...output, rollout: state.summary }, error: state.failed ?? `the rollout did not complete within ${params.timeoutSeconds}s (${state.summary})` };
    } catch (err) {
      return { ok: false, error: ctx.signal.aborted ? "aborted" : apiError(err) };
    }
  },
};
