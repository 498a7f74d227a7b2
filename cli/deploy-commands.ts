import { Option } from "commander";
import type { Command } from "commander";
import type { CommandHelpers } from "./rollback-commands.ts";

// deploy record|finish, against /api/v1/deployments.

type Deployment = {
  id: string;
  serviceName: string;
  environment: string;
  version: string;
  status: string;
  isRollback: boolean;
  verdict: string;
};

/**
 * The key a CI retry of the same deploy repeats: service, environment, version and commit.
 * Deploying the same version again later (after a rollback) needs its own --key.
 */
export function defaultDeployKey(o: {
  service: string;
  environment: string;
  version: string;
  commit?: string;
}) {
  return ["deploy", o.service, o.environment, o.version, o.commit ?? ""].join(
    ":",
  );
}

export function registerDeployCommands(
  program: Command,
  { client, print }: CommandHelpers,
) {
  const deploy = program
    .command("deploy")
    .description("record deployments (scope deployments:write)")
    .exitOverride();

  deploy
    .command("record")
    .description(
      "record a deployment of a service; refused while a rollback of it runs unless --force",
    )
    .requiredOption(
      "--service <name>",
      "the service's name (as in the catalogue)",
    )
    .requiredOption("--version <version>", "the version deployed, e.g. v2.4.1")
    .option("--environment <env>", "environment", "production")
    .option("--commit <sha>", "the commit deployed")
    .option("--digest <digest>", "the artifact digest, e.g. sha256:…")
    .addOption(
      new Option(
        "--status <status>",
        "in_progress, or succeeded/failed for a finished deploy",
      )
        .choices(["in_progress", "succeeded", "failed"])
        .default("succeeded"),
    )
    .option(
      "--key <key>",
      "idempotency key (default: service:environment:version:commit)",
    )
    .option(
      "--force",
      "record although a rollback of the service is running (needs --force-reason)",
    )
    .option(
      "--force-reason <text>",
      "why the deploy freeze is overridden (audited)",
    )
    .exitOverride()
    .action(
      async (o: {
        service: string;
        version: string;
        environment: string;
        commit?: string;
        digest?: string;
        status: string;
        key?: string;
        force?: boolean;
        forceReason?: string;
      }) => {
        const key = o.key ?? defaultDeployKey(o);
        const d = await client().post<Deployment>(
          "/deployments",
          {
            service: o.service,
            environment: o.environment,
            version: o.version,
            ...(o.commit ? { commit: o.commit } : {}),
            ...(o.digest ? { artifactDigest: o.digest } : {}),
            status: o.status,
            idempotencyKey: key,
            force: Boolean(o.force),
            ...(o.forceReason ? { forceReason: o.forceReason } : {}),
          },
          key,
        );
        print(
          d,
          () =>
            `Recorded ${d.serviceName} ${d.version} in ${d.environment} (${d.status}${d.isRollback ? ", a rollback" : ""}): ${d.id}`,
        );
      },
    );

  deploy
    .command("finish")
    .description("mark an in-progress deployment succeeded or failed")
    .argument("<id>", "the deployment id `deploy record` printed")
    .addOption(
      new Option("--status <status>", "how it ended")
        .choices(["succeeded", "failed"])
        .makeOptionMandatory(),
    )
    .exitOverride()
    .action(async (id: string, o: { status: string }) => {
      const d = await client().post<Deployment>(
        `/deployments/${encodeURIComponent(id)}`,
        { status: o.status },
      );
      print(d, () => `Deployment ${d.id}: ${d.status}.`);
    });
}
