import { randomUUID } from "node:crypto";
import { Command, CommanderError, Option } from "commander";
import { ConfigError, resolveConfig, type Env } from "./config.ts";
import { EXIT, EXIT_HELP, type ExitCode } from "./exit-codes.ts";
import type { Clock } from "./follow.ts";
import { ApiError, createClient, type Client } from "./http.ts";
import { registerRollbackCommands } from "./rollback-commands.ts";
import { registerDeployCommands } from "./deploy-commands.ts";

// The rollcall CLI's commands. run() parses argv and returns the exit code; nothing here calls process.exit.

export type Io = {
  out: (s: string) => void;
  err: (s: string) => void;
  env: Env;
  fetch?: typeof fetch;
  clock?: Clock;
  /** A terminal: draw a progress bar in place; else one plain line per change. */
  isTTY?: boolean;
};

type Globals = {
  url?: string;
  token?: string;
  json?: boolean;
};

const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];
const STATUSES = [
  "active",
  "detected",
  "investigating",
  "rolling_back",
  "monitoring",
  "resolved",
  "closed",
];

type Service = {
  id: string;
  name: string;
  slug?: string;
};
type IncidentSummary = {
  key: string;
  title: string;
  severity: string;
  status: string;
  detectedAt?: string;
};

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function buildProgram(io: Io) {
  let exitCode: ExitCode = EXIT.OK;
  const program = new Command("rollcall")
    .description(
      "Rollcall from a terminal or a CI pipeline: incidents, rollbacks and approvals (deploy record follows once /api/v1 serves deployments).",
    )
    .option(
      "--url <url>",
      'Rollcall server (else ROLLCALL_URL, else "url" in the config file)',
    )
    .option(
      "--token <token>",
      'API token (else ROLLCALL_TOKEN, else "token" in the config file)',
    )
    .option("--json", "print JSON instead of text")
    .addHelpText(
      "after",
      `\nConfig file: $XDG_CONFIG_HOME/rollcall/config.json (default ~/.config/rollcall/config.json),\n  {"url": "https://rollcall.example", "token": "rc_..."}, mode 0600 (refused if others may read it).\n\n${EXIT_HELP}\n`,
    )
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, "")),
      writeErr: (s) => io.err(s.replace(/\n$/, "")),
    })
    .exitOverride()
    .showHelpAfterError("(rollcall --help for usage)");

  const globals = () => program.opts<Globals>();
  const client = (): Client => {
    const g = globals();
    const cfg = resolveConfig({ url: g.url, token: g.token }, io.env);
    return createClient({ url: cfg.url, token: cfg.token, fetch: io.fetch });
  };
  const print = (value: unknown, text: () => string) =>
    io.out(globals().json ? JSON.stringify(value, null, 2) : text());

  const incident = program
    .command("incident")
    .description("declare, list and show incidents")
    .exitOverride();

  incident
    .command("declare")
    .description("declare an incident (scope incidents:write)")
    .requiredOption("--title <title>", "what is wrong, in a line")
    .requiredOption("--trigger <trigger>", "what triggered it")
    .addOption(
      new Option("--severity <severity>", "severity")
        .choices(SEVERITIES)
        .makeOptionMandatory(),
    )
    .requiredOption(
      "--service <name-or-id>",
      "an affected service (repeat for more)",
      collect,
    )
    .option("--summary <text>", "more detail")
    .option(
      "--idempotency-key <key>",
      "retrying with the same key declares once (default: a new key per call)",
    )
    .exitOverride()
    .action(
      async (o: {
        title: string;
        trigger: string;
        severity: string;
        service: string[];
        summary?: string;
        idempotencyKey?: string;
      }) => {
        const api = client();
        const serviceIds = await resolveServices(api, o.service);
        const created = await api.post<IncidentSummary>(
          "/incidents",
          {
            title: o.title,
            trigger: o.trigger,
            severity: o.severity,
            serviceIds,
            summary: o.summary,
          },
          o.idempotencyKey ?? randomUUID(),
        );
        print(
          created,
          () =>
            `Declared ${created.key}: ${created.title} (${created.severity})`,
        );
      },
    );

  incident
    .command("list")
    .description("list incidents, newest first (scope incidents:read)")
    .addOption(
      new Option(
        "--status <status>",
        "only this status (active = not resolved or closed)",
      ).choices(STATUSES),
    )
    .addOption(
      new Option("--severity <severity>", "only this severity").choices(
        SEVERITIES,
      ),
    )
    .option("--limit <n>", "at most n (1-100)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 100)
        throw new CommanderError(
          EXIT.USAGE,
          "rollcall.usage",
          `--limit must be a whole number from 1 to 100, not ${v}.`,
        );
      return n;
    })
    .exitOverride()
    .action(
      async (o: { status?: string; severity?: string; limit?: number }) => {
        const page = await client().get<{
          items: IncidentSummary[];
          nextCursor: string | null;
        }>("/incidents", {
          status: o.status,
          severity: o.severity,
          limit: o.limit,
        });
        print(page, () =>
          page.items.length
            ? page.items
                .map(
                  (i) =>
                    `${i.key}  ${i.severity.padEnd(8)}  ${i.status.padEnd(13)}  ${i.title}`,
                )
                .join("\n")
            : "No incidents.",
        );
      },
    );

  incident
    .command("show")
    .description("show one incident (scope incidents:read)")
    .argument("<key>", "the incident key, e.g. INC-2026-0042")
    .exitOverride()
    .action(async (key: string) => {
      const inc = await client().get<
        IncidentSummary & { summary?: string; trigger?: string }
      >(`/incidents/${encodeURIComponent(key)}`);
      print(inc, () =>
        [
          `${inc.key}  ${inc.title}`,
          `  severity  ${inc.severity}`,
          `  status    ${inc.status}`,
          inc.detectedAt ? `  detected  ${inc.detectedAt}` : "",
          inc.trigger ? `  trigger   ${inc.trigger}` : "",
          inc.summary ? `\n${inc.summary}` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      );
    });

  const helpers = {
    io,
    globals,
    client,
    print,
    setExit: (c: ExitCode) => (exitCode = c),
  };
  registerRollbackCommands(program, helpers);
  registerDeployCommands(program, helpers);

  return {
    program,
    setExit: (c: ExitCode) => (exitCode = c),
    get exitCode() {
      return exitCode;
    },
  };
}

async function resolveServices(
  api: Client,
  wanted: string[],
): Promise<string[]> {
  const { items } = await api.get<{ items: Service[] }>("/services");
  return wanted.map((w) => {
    const hit = items.find(
      (s) =>
        s.id === w || s.slug === w || s.name.toLowerCase() === w.toLowerCase(),
    );
    if (!hit)
      throw new ApiError(
        `Unknown service "${w}". Known: ${items.map((s) => s.slug ?? s.name).join(", ") || "none"}.`,
        EXIT.USAGE,
      );
    return hit.id;
  });
}

/** Parses argv (without node and script) and runs the command; returns the exit code. */
export async function run(argv: string[], io: Io): Promise<ExitCode> {
  const built = buildProgram(io);
  try {
    await built.program.parseAsync(argv, { from: "user" });
    return built.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.help" ||
        e.code === "commander.version"
      )
        return EXIT.OK;
      if (e.code === "rollcall.usage") io.err(`error: ${e.message}`);
      return EXIT.USAGE;
    }
    if (e instanceof ConfigError) {
      io.err(`error: ${e.message}`);
      return EXIT.USAGE;
    }
    if (e instanceof ApiError) {
      io.err(`error: ${e.describe()}`);
      return e.exitCode;
    }
    io.err(`error: ${(e as Error).message}`);
    return EXIT.ERROR;
  }
}
