import { unwatchFile, watchFile } from "node:fs";
import type { Db } from "../db/client.ts";
import { applyServicesFile, describeApply } from "./services-file.ts";

/**
 * Applies SERVICES_FILE now and whenever its modification time changes (polled, so edits through
 * editors that replace the file, and files on network mounts, are seen). Every instance may do
 * this: applying is idempotent and serialised by the catalogue lock.
 */
export async function watchServicesFile(db: Db, file: string, log: (line: string) => void, intervalMs = 2_000) {
  let running: Promise<void> = Promise.resolve();
  const apply = () => {
    running = running.then(async () => {
      try {
        log(describeApply(await applyServicesFile(db, file)));
      } catch (err) {
        log(`services file ${file} could not be applied: ${(err as Error).message}`);
      }
    });
    return running;
  };
  await apply();
  const listener = () => void apply();
  watchFile(file, { interval: intervalMs }, listener);
  return { stop: () => unwatchFile(file, listener), apply };
}
