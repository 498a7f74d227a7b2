import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { kubernetesExecutor, ZKubernetesParams } from "./kubernetes";
import { stepContext } from "./testing/context";
import { loadRecording, startReplayServer, type Exchange, type ReplayServer } from "./testing/replay-server";

// No cluster can run here: these tests replay RECORDED Kubernetes API exchanges (fixtures/kubernetes)
// from a local HTTP server, and fail if the client sends anything the recording does not contain.

const fixtures = path.join(import.meta.dirname, "fixtures", "kubernetes");
let dir: string;
let replay: ReplayServer | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rollcall-kube-"));
});
afterEach(async () => {
  await replay?.close();
  replay = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cluster(exchanges: Exchange[]): Promise<{ env: Record<string, string | undefined>; server: ReplayServer }> {
  const server = (replay = await startReplayServer(exchanges));
  const kubeconfig = path.join(dir, `kubeconfig-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await writeFile(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "  - name: recorded",
      // client-node refuses plain http unless TLS verification is off; the replay server speaks http.
      `    cluster: { server: "${server.url}", insecure-skip-tls-verify: true }`,
      "users:",
      "  - name: rollcall",
      "    user: { token: recorded-token }",
      "contexts:",
      "  - name: recorded",
      "    context: { cluster: recorded, user: rollcall, namespace: shop }",
      "current-context: recorded",
    ].join("\n"),
  );
  return { env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig }, server };
}

const params = ZKubernetesParams.parse({ deployment: "checkout", namespace: "shop", pollSeconds: 0.01, timeoutSeconds: 10 });

describe("kubernetes executor (recorded API exchanges, no live cluster)", () => {
  it("recorded exchange: rollout undo patches the template back to the previous ReplicaSet's and waits for the rollout", async () => {
    const rec = await loadRecording(path.join(fixtures, "rollout-undo.json"));
    const { env, server } = await cluster(rec.exchanges);
    const { ctx, text } = stepContext(env);
    const r = await kubernetesExecutor.execute(params, ctx);
    expect(server.mismatches).toEqual([]);
    expect(r).toMatchObject({
      ok: true,
      output: {
        deployment: "checkout",
        namespace: "shop",
        from: { revision: 3, images: "checkout=registry.example.com/shop/checkout:v3" },
        to: { revision: 2, images: "checkout=registry.example.com/shop/checkout:v2" },
        rollout: "3/3 updated, 3 available, 3 total",
      },
    });
    expect(server.served()).toBe(rec.exchanges.length);
    expect(text()).toContain("rollout: 1/3 updated, 3 available, 4 total");
  });

  it("recorded exchange: plan reads the deployment and its ReplicaSets only, and names both revisions", async () => {
    const rec = await loadRecording(path.join(fixtures, "rollout-undo.json"));
    const reads = rec.exchanges.filter((e) => e.request.method === "GET").slice(0, 2);
    const { env, server } = await cluster(reads);
    const plan = await kubernetesExecutor.plan(params, { env });
    expect(server.mismatches).toEqual([]);
    expect(server.served()).toBe(2);
    expect(plan.checks.find((c) => c.name === "previous revision")).toEqual({
      name: "previous revision",
      ok: true,
      detail: "revision 3 -> 2 (checkout=registry.example.com/shop/checkout:v2)",
    });
    expect(plan.actions[0]).toBe(
      "PATCH deployment shop/checkout: pod template of revision 2 (checkout=registry.example.com/shop/checkout:v2) replaces revision 3 (checkout=registry.example.com/shop/checkout:v3)",
    );
  });

  it("recorded exchange: a deployment with a single revision has nothing to roll back to, and nothing is patched", async () => {
    const rec = await loadRecording(path.join(fixtures, "no-previous-revision.json"));
    const { env, server } = await cluster(rec.exchanges);
    const r = await kubernetesExecutor.execute(params, stepContext(env).ctx);
    expect(r).toEqual({ ok: false, error: "shop/checkout has no revision before 1 to roll back to (revisions: 1)" });
    expect(server.mismatches).toEqual([]);
    expect(server.served()).toBe(2);
  });

  it("recorded exchange: a rollout that exceeds its progress deadline fails the step", async () => {
    const rec = await loadRecording(path.join(fixtures, "rollout-stalls.json"));
    const { env, server } = await cluster(rec.exchanges);
    const r = await kubernetesExecutor.execute(params, stepContext(env).ctx);
    expect(server.mismatches).toEqual([]);
    expect(r.ok).toBe(false);
    expect(r.error).toBe('rollout exceeded its progress deadline: ReplicaSet "checkout-6c8b7a594" has timed out progressing.');
  });

  it("recorded exchange: a deployment changed since it was read makes the guarded patch fail with 422", async () => {
    const rec = await loadRecording(path.join(fixtures, "patch-conflict.json"));
    const { env, server } = await cluster(rec.exchanges);
    const r = await kubernetesExecutor.execute(params, stepContext(env).ctx);
    expect(server.mismatches).toEqual([]);
    expect(r).toEqual({ ok: false, error: "the API answered 422: the server rejected our request due to an error in our request" });
  });

  it("without a kubeconfig the plan and the step say what to set", async () => {
    const plan = await kubernetesExecutor.plan(params, { env: { PATH: process.env.PATH } });
    expect(plan.checks).toEqual([{ name: "kubeconfig", ok: false, detail: "no kubeconfig: set KUBECONFIG in Rollcall's environment or kubeconfig in the step" }]);
    const r = await kubernetesExecutor.execute(params, stepContext({ PATH: process.env.PATH }).ctx);
    expect(r.error).toBe("no kubeconfig: set KUBECONFIG in Rollcall's environment or kubeconfig in the step");
  });
});
