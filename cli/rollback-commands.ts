import { randomUUID } from "node:crypto";
import { type Command, CommanderError, Option } from "commander";
import { EXIT, type ExitCode } from "./exit-codes.ts";
import {
  followRollback,
  progressBar,
  progressLine,
  systemClock,
  type RollbackView,
} from "./follow.ts";
import type { Client } from "./http.ts";
import type { Io } from "./program.ts";

// rollback request|status|watch and approve, against /api/v1/rollbacks and /api/v1/runs.

export type CommandHelpers = {
  io: Io;
  globals: () => { json?: boolean };
  client: () => Client;
  print: (value: unknown, text: () => string) => void;
  setExit: (c: ExitCode) => void;
};

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerRollbackCommands(
  program: Command,
  { io, globals, client, print, setExit }: CommandHelpers,
) {
  const timeoutOption = () =>
    new Option(
      "--timeout <duration>",
      "give up following after this long, e.g. 90s, 15m, 1h (exit 14)",
    ).argParser((v) => {
      const m = /^(\d+)(s|m|h)?$/.exec(v.trim());
      if (!m)
        throw new CommanderError(
          EXIT.USAGE,
          "rollcall.usage",
          `--timeout takes a duration like 90s, 15m or 1h, not ${v}.`,
        );
      return (
        Number(m[1]) *
        { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "s" | "m" | "h"]
      );
    });

  const follow = async (
    api: Client,
    requestId: string,
    timeoutMs: number | undefined,
  ) => {
    const json = globals().json;
    let drawn = false;
    const result = await followRollback({
      client: api,
      requestId,
      timeoutMs,
      clock: io.clock ?? systemClock,
      onProgress: (p) => {
        if (json) return;
        if (io.isTTY) {
          io.err(`${drawn ? "\x1b[1A\x1b[2K" : ""}${progressBar(p)}`);
          drawn = true;
        } else io.err(progressLine(p));
      },
    });
    if (json)
      io.out(
        JSON.stringify(
          {
            state: result.state,
            exitCode: result.code,
            rollback: result.rollback,
            run: result.run,
          },
          null,
          2,
        ),
      );
    else
      io.out(
        result.code === EXIT.TIMED_OUT
          ? `Timed out; the rollback is still ${result.state}.`
          : `Rollback ${result.state}.`,
      );
    setExit(result.code);
  };

  const rollback = program
    .command("rollback")
    .description("request, check and follow rollbacks")
    .exitOverride();

  rollback
    .command("request")
    .description("request a rollback for an incident (scope rollbacks:request)")
    .requiredOption("--incident <key>", "the incident, e.g. INC-2026-0042")
    .requiredOption("--runbook <name>", "the runbook that rolls back")
    .requiredOption("--target <version>", "what to roll back to, e.g. v1")
    .requiredOption("--reason <text>", "why (at least 5 characters)")
    .option("--environment <env>", "environment", "production")
    .addOption(
      new Option("--mode <mode>", "live or drill")
        .choices(["live", "drill"])
        .default("live"),
    )
    .option(
      "--param <name=value>",
      "a runbook parameter (repeat for more)",
      collect,
    )
    .option(
      "--idempotency-key <uuid>",
      "retrying with the same key requests once (default: a new key per call)",
    )
    .option(
      "--wait",
      "follow the rollback until it ends; exit with its outcome's code",
    )
    .addOption(timeoutOption())
    .exitOverride()
    .action(
      async (o: {
        incident: string;
        runbook: string;
        target: string;
        reason: string;
        environment: string;
        mode: string;
        param?: string[];
        idempotencyKey?: string;
        wait?: boolean;
        timeout?: number;
      }) => {
        const params: Record<string, string> = {};
        for (const p of o.param ?? []) {
          const i = p.indexOf("=");
          if (i < 1)
            throw new CommanderError(
              EXIT.USAGE,
              "rollcall.usage",
              `--param takes name=value, not ${p}.`,
            );
          params[p.slice(0, i)] = p.slice(i + 1);
        }
        const api = client();
        const r = await api.post<RollbackView>(
          "/rollbacks",
          {
            key: o.incident,
            runbook: o.runbook,
            target: o.target,
            reason: o.reason,
            environment: o.environment,
            mode: o.mode,
            params,
          },
          o.idempotencyKey ?? randomUUID(),
        );
        if (!o.wait)
          return print(
            r,
            () =>
              `Requested rollback ${r.id} to ${r.target}${r.run ? ` (run ${r.run.id} started)` : ""}.`,
          );
        if (!globals().json)
          io.err(`Requested rollback ${r.id} to ${r.target}.`);
        await follow(api, r.id, o.timeout);
      },
    );

  rollback
    .command("status")
    .description("show a rollback's state (scope incidents:read)")
    .argument("<id>", "the rollback request id")
    .exitOverride()
    .action(async (id: string) => {
      const r = await client().get<RollbackView>(
        `/rollbacks/${encodeURIComponent(id)}`,
      );
      print(r, () =>
        [
          `Rollback ${r.id}: ${r.state}`,
          `  target   ${r.target}`,
          `  runbook  ${r.runbook}`,
          r.run ? `  run      ${r.run.id} (${r.run.status})` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      );
    });

  rollback
    .command("watch")
    .description(
      "follow a rollback until it ends; exit with its outcome's code (scope incidents:read)",
    )
    .argument("<id>", "the rollback request id")
    .addOption(timeoutOption())
    .exitOverride()
    .action(async (id: string, o: { timeout?: number }) =>
      follow(client(), id, o.timeout),
    );

  program
    .command("approve")
    .description(
      "approve (or --reject) a rollback request (scope rollbacks:approve)",
    )
    .argument("<id>", "the rollback request id")
    .option("--reject", "reject instead (needs --comment)")
    .option("--comment <text>", "a comment; the requester reads it")
    .option("--wait", "then follow the rollback until it ends")
    .addOption(timeoutOption())
    .exitOverride()
    .action(
      async (
        id: string,
        o: {
          reject?: boolean;
          comment?: string;
          wait?: boolean;
          timeout?: number;
        },
      ) => {
        const api = client();
        const decided = await api.post<unknown>(
          `/rollbacks/${encodeURIComponent(id)}/decision`,
          {
            decision: o.reject ? "reject" : "approve",
            comment: o.comment ?? "",
          },
        );
        if (!o.wait)
          return print(
            decided,
            () => `${o.reject ? "Rejected" : "Approved"} rollback ${id}.`,
          );
        if (!globals().json)
          io.err(`${o.reject ? "Rejected" : "Approved"} rollback ${id}.`);
        await follow(api, id, o.timeout);
      },
    );
}
