import { describe, expect, it } from "vitest";
import { fillBody } from "./feature-flag";
import { DEFAULT_VALIDATION_CHECKLIST, isAwaitingConfirmation, manualExecutor } from "./manual";
import { notifyExecutor } from "./notify";
import { headerSecrets, redact, redactUrl, secretValues } from "./redact";
import { stepContext } from "./testing/context";
import { waitExecutor } from "./wait";

describe("manual", () => {
  it("execute asks the run to pause for a person, with the checklist", async () => {
    const p = manualExecutor.schema.parse({ instructions: "Check the shop", checklist: ["Login works", "Orders go through"] });
    const r = await manualExecutor.execute(p, stepContext().ctx);
    expect(r).toEqual({ ok: false, output: { awaiting: "confirmation", checklist: ["Login works", "Orders go through"], instructions: "Check the shop" } });
    expect(isAwaitingConfirmation(r.output)).toBe(true);
  });

  it("plan lists the checklist; the default is the seeds' post-rollback checklist", async () => {
    const plan = await manualExecutor.plan(manualExecutor.schema.parse({}), { env: {} });
    expect(plan.actions).toEqual(DEFAULT_VALIDATION_CHECKLIST.map((i) => `confirm: ${i}`));
    expect(plan.summary).toBe("pause until a person confirms 6 items");
  });
});

describe("notify", () => {
  it("returns the note for the incident timeline", async () => {
    const r = await notifyExecutor.execute(notifyExecutor.schema.parse({ message: "Rolling back checkout" }), stepContext().ctx);
    expect(r).toEqual({ ok: true, output: { note: "Rolling back checkout", severity: "info" } });
  });
});

describe("wait", () => {
  it("waits the given time", async () => {
    const started = Date.now();
    expect((await waitExecutor.execute({ seconds: 0.1 }, stepContext().ctx)).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("is abortable", async () => {
    const { ctx, controller } = stepContext();
    const running = waitExecutor.execute({ seconds: 60 }, ctx);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    expect(await running).toMatchObject({ ok: false, error: "aborted" });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("redaction", () => {
  it("collects secret-named env values and explicit secrets, longest first, ignoring tiny ones", () => {
    expect(secretValues({ API_KEY: "abc123", DB_PASSWORD: "abc123-longer", HOME: "/root", GH_TOKEN: "x" }, ["extra-secret"])).toEqual(["abc123-longer", "extra-secret", "abc123"]);
  });

  it("replaces every occurrence", () => {
    expect(redact("a=abc123-longer b=abc123", ["abc123-longer", "abc123"])).toBe("a=[redacted] b=[redacted]");
    expect(redactUrl("postgresql://app:pw-1@db:5432/app")).toBe("postgresql://app:[redacted]@db:5432/app");
  });

  it("finds credentials in headers, with and without their scheme", () => {
    expect(headerSecrets({ Authorization: "Bearer t0k3n", "x-api-key": "k3y", accept: "json" })).toEqual(["Bearer t0k3n", "t0k3n", "k3y"]);
  });
});

describe("feature-flag body templates", () => {
  it("fills {flag} and {enabled}; a value of exactly {enabled} becomes a boolean", () => {
    expect(fillBody({ enabled: "{enabled}", name: "{flag}", note: "flag {flag} is {enabled}", nested: ["{enabled}"] }, "checkout", false)).toEqual({
      enabled: false,
      name: "checkout",
      note: "flag checkout is false",
      nested: [false],
    });
  });
});
