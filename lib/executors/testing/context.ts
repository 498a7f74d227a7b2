import type { StepContext } from "../types.ts";

export type Logged = { stream: "stdout" | "stderr" | "info"; text: string };

/** A real StepContext whose log sink keeps every line, with the controller to abort it. */
export function stepContext(env: Record<string, string | undefined> = { PATH: process.env.PATH }, secrets: string[] = []) {
  const controller = new AbortController();
  const logs: Logged[] = [];
  const ctx: StepContext = { env, secrets, signal: controller.signal, log: (stream, text) => logs.push({ stream, text }) };
  return { ctx, logs, controller, text: () => logs.map((l) => `${l.stream}: ${l.text}`).join("\n") };
}

export async function until(cond: () => boolean, timeoutMs = 10_000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
