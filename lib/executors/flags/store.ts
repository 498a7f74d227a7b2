import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const ZFlagName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "letters, digits, . _ : - (at most 128)");

const ZFlag = z.object({ enabled: z.boolean(), updatedAt: z.string(), description: z.string().optional() });
const ZFlagFile = z.object({ flags: z.record(z.string(), ZFlag) });
export type Flag = z.infer<typeof ZFlag>;
export type FlagFile = z.infer<typeof ZFlagFile>;

export type FlagStore = {
  file: string;
  list(): Promise<Record<string, Flag>>;
  get(name: string): Promise<Flag | null>;
  /** Returns the flag as it was before (null if new) and as it is now. */
  set(name: string, enabled: boolean, now?: Date): Promise<{ previous: Flag | null; flag: Flag }>;
};

/**
 * Flags in one JSON file. Writes go to a temporary file renamed over the old one, so a crash
 * leaves either the old or the new file, never half of one; writes in this process are queued.
 */
export function createFlagStore(file: string): FlagStore {
  let queue: Promise<unknown> = Promise.resolve();

  async function read(): Promise<FlagFile> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { flags: {} };
      throw err;
    }
    const parsed = ZFlagFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${file} is not a flag file: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return parsed.data;
  }

  async function write(data: FlagFile) {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(data, null, 2) + "\n");
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  return {
    file,
    async list() {
      return (await read()).flags;
    },
    async get(name) {
      return (await read()).flags[name] ?? null;
    },
    set(name, enabled, now = new Date()) {
      const task = queue.then(async () => {
        const data = await read();
        const previous = data.flags[name] ?? null;
        const flag: Flag = { ...previous, enabled, updatedAt: now.toISOString() };
        data.flags[name] = flag;
        await write(data);
        return { previous, flag };
      });
      queue = task.catch(() => {});
      return task;
    },
  };
}
