import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Where the CLI finds the server and its token: flag, then environment, then the config file.
// The CLI is a separate program from the server; this file is its only reader of the environment.

export type Env = Record<string, string | undefined>;

export type FileConfig = {
  url?: string;
  token?: string;
};

export type Resolved = {
  url: string;
  token: string | undefined;
  configPath: string;
};

export class ConfigError extends Error {}

export function configPath(env: Env = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(env.HOME || os.homedir(), ".config");
  return path.join(base, "rollcall", "config.json");
}

/** Reads the config file; refuses one that others may read when it holds a token. */
export function readConfigFile(file: string): FileConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new ConfigError(`Cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file} is not valid JSON.`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new ConfigError(
      `${file} must hold a JSON object like {"url": "...", "token": "..."}.`,
    );
  const { url, token } = parsed as Record<string, unknown>;
  if (url !== undefined && typeof url !== "string")
    throw new ConfigError(`${file}: "url" must be a string.`);
  if (token !== undefined && typeof token !== "string")
    throw new ConfigError(`${file}: "token" must be a string.`);
  if (token && process.platform !== "win32") {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077)
      throw new ConfigError(
        `${file} holds a token but others may read it (mode ${mode.toString(8)}); run: chmod 600 ${file}`,
      );
  }
  return { url, token };
}

export function resolveConfig(
  flags: { url?: string; token?: string },
  env: Env = process.env,
): Resolved {
  const file = configPath(env);
  const cfg = readConfigFile(file);
  const url = flags.url || env.ROLLCALL_URL || cfg.url;
  if (!url)
    throw new ConfigError(
      `No server: pass --url, set ROLLCALL_URL, or put "url" in ${file}.`,
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`Not a URL: ${url}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new ConfigError(`The server URL must be http or https: ${url}`);
  return {
    url: parsed.toString().replace(/\/+$/, ""),
    token: flags.token || env.ROLLCALL_TOKEN || cfg.token,
    configPath: file,
  };
}
