import { describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.ts";
import { EventWaker, progressBar, progressLine, type Clock } from "./follow.ts";
import { createClient } from "./http.ts";
import { run, type Io } from "./program.ts";

// A fake clock: sleeping advances time at once, so the tests never wait.
function fakeClock(): Clock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

const RID = "0b6f3f1e-2a4c-4d7e-9f00-1234567890ab";
const RUN = "9c1d2e3f-4a5b-4c6d-8e7f-0123456789ab";

/** A server whose rollback moves through the given states, one per GET of the rollback. */
function scripted(states: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let i = 0;
  const clock = fakeClock();
  const io: Io = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: {
      HOME: "/nonexistent",
      ROLLCALL_URL: "http://rollcall.test",
      ROLLCALL_TOKEN: "rc_secret",
    },
    clock,
    fetch: (async (input: URL) => {
      const url = new URL(input);
      const state = states[Math.min(i, states.length - 1)]!;
      const running = ![
        "awaiting_approval",
        "approved",
        "rejected",
        "expired",
      ].includes(state);
      if (url.pathname === `/api/v1/rollbacks/${RID}`) {
        i++;
        return Response.json({
          id: RID,
          state,
          target: "v1",
          runbook: "demo-rollback",
          run: running ? { id: RUN, status: state } : null,
        });
      }
      if (url.pathname === `/api/v1/runs/${RUN}`) {
        const steps = [
          { index: 0, title: "Scale down", status: "succeeded" },
          {
            index: 1,
            title: "Deploy v1",
            status:
              state === "succeeded"
                ? "succeeded"
                : state === "running"
                  ? "running"
                  : state,
          },
        ];
        return Response.json({ id: RUN, status: state, steps });
      }
      if (url.pathname === `/api/v1/runs/${RUN}/events`)
        return new Response(null, { status: 404 });
      return Response.json(
        { error: { code: "NOT_FOUND", message: "no" } },
        { status: 404 },
      );
    }) as typeof fetch,
  };
  return { io, out, err, clock };
}

describe("rollback watch", () => {
  it("follows approval and the run to success and exits 0, one plain line per change when not a terminal", async () => {
    const s = scripted([
      "awaiting_approval",
      "awaiting_approval",
      "running",
      "running",
      "succeeded",
    ]);
    expect(await run(["rollback", "watch", RID], s.io)).toBe(EXIT.OK);
    expect(s.err).toEqual([
      "awaiting_approval",
      "running 1/2 steps: Deploy v1",
      "succeeded 2/2 steps",
    ]);
    expect(s.out).toEqual(["Rollback succeeded."]);
  });

  it("exits with each outcome's own code", async () => {
    const cases: [string, number][] = [
      ["failed", EXIT.FAILED],
      ["aborted", EXIT.ABORTED],
      ["rejected", EXIT.REJECTED],
      ["expired", EXIT.EXPIRED],
    ];
    for (const [state, code] of cases)
      expect([
        state,
        await run(["rollback", "watch", RID], scripted(["running", state]).io),
      ]).toEqual([state, code]);
  });

  it("gives up after --timeout with exit 14 and says the rollback is still open", async () => {
    const s = scripted(["running"]);
    expect(
      await run(["rollback", "watch", RID, "--timeout", "30s"], s.io),
    ).toBe(EXIT.TIMED_OUT);
    expect(s.clock.slept.reduce((a, b) => a + b, 0)).toBe(30_000);
    expect(s.out).toEqual(["Timed out; the rollback is still running."]);
  });

  it("refuses a malformed --timeout as a usage error", async () => {
    const s = scripted(["running"]);
    expect(
      await run(["rollback", "watch", RID, "--timeout", "soon"], s.io),
    ).toBe(EXIT.USAGE);
  });

  it("--json prints the final state and exit code instead of progress", async () => {
    const s = scripted(["running", "aborted"]);
    expect(await run(["--json", "rollback", "watch", RID], s.io)).toBe(
      EXIT.ABORTED,
    );
    expect(s.err).toEqual([]);
    expect(JSON.parse(s.out.join("\n"))).toMatchObject({
      state: "aborted",
      exitCode: EXIT.ABORTED,
      run: { id: RUN },
    });
  });
});

describe("progress", () => {
  it("draws a bar of finished steps", () => {
    const p = {
      state: "running",
      rollback: {
        id: RID,
        state: "running",
        target: "v1",
        runbook: "r",
        run: { id: RUN, status: "running" },
      },
      run: {
        id: RUN,
        status: "running",
        steps: [
          { index: 0, title: "a", status: "succeeded" },
          { index: 1, title: "b", status: "running" },
        ],
      },
    };
    expect(progressBar(p, 10)).toBe("[#####-----] running 1/2 steps: b");
    expect(
      progressLine({
        ...p,
        state: "paused",
        run: { ...p.run, status: "paused", pauseReason: "confirm traffic" },
      }),
    ).toBe("paused (confirm traffic) 1/2 steps: b");
  });
});

describe("run events (SSE)", () => {
  it("wakes on an event, reconnects after a drop with Last-Event-ID, and stops when the server has no stream", async () => {
    const seen: (string | null)[] = [];
    let calls = 0;
    let sawEnd!: () => void;
    const ended = new Promise<void>((r) => (sawEnd = r));
    const client = createClient({
      url: "http://rollcall.test",
      token: "rc_secret",
      fetch: (async (_: URL, init: RequestInit) => {
        const h = new Headers(init.headers);
        seen.push(h.get("last-event-id"));
        expect(h.get("accept")).toBe("text/event-stream");
        calls++;
        if (calls === 1)
          return new Response('id: 5\ndata: {"status":"running"}\n\n', {
            headers: { "content-type": "text/event-stream" },
          });
        sawEnd();
        return new Response(null, { status: 404 });
      }) as typeof fetch,
    });
    const clock: Clock = { now: () => 0, sleep: () => Promise.resolve() };
    const waker = new EventWaker(client, `/runs/${RUN}/events`, clock);
    await ended;
    expect(seen).toEqual([null, "5"]);
    waker.close();
  });
});
