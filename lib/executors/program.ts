import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import path from "node:path";
import type { Check } from "./types.ts";

/** Where `command` resolves, as execvp would find it, or null. */
export async function findProgram(command: string, pathVar: string | undefined, cwd?: string): Promise<string | null> {
  const candidates = command.includes("/")
    ? [path.resolve(cwd ?? ".", command)]
    : (pathVar ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const file of candidates) {
    try {
      const s = await stat(file);
      if (!s.isFile()) continue;
      await access(file, constants.X_OK);
      return file;
    } catch {
      continue;
    }
  }
  return null;
}

export async function programCheck(command: string, pathVar: string | undefined, cwd?: string): Promise<Check> {
  const found = await findProgram(command, pathVar, cwd);
  return found
    ? { name: `program ${command}`, ok: true, detail: `found ${found}` }
    : {
        name: `program ${command}`,
        ok: false,
        detail: command.includes("/") ? `${command} does not exist or is not executable` : `${command} is not an executable on PATH`,
      };
}

export async function directoryCheck(dir: string, name = "working directory"): Promise<Check> {
  try {
    const s = await stat(dir);
    return s.isDirectory() ? { name, ok: true, detail: `${dir} exists` } : { name, ok: false, detail: `${dir} is not a directory` };
  } catch {
    return { name, ok: false, detail: `${dir} does not exist` };
  }
}

/** Whether files could be created in dir (or in the nearest existing parent that would hold it). */
export async function writableCheck(dir: string, name: string): Promise<Check> {
  let cur = path.resolve(dir);
  for (;;) {
    try {
      const s = await stat(cur);
      if (!s.isDirectory()) return { name, ok: false, detail: `${cur} is not a directory` };
      await access(cur, constants.W_OK | constants.X_OK);
      return { name, ok: true, detail: cur === path.resolve(dir) ? `${cur} is writable` : `${dir} would be created in ${cur}` };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") return { name, ok: false, detail: `${cur} is not writable` };
      const parent = path.dirname(cur);
      if (parent === cur) return { name, ok: false, detail: `no existing parent of ${dir}` };
      cur = parent;
    }
  }
}
