import type { Db, Tx } from "../db/client";

/** Run in the caller's transaction when given one, otherwise in a new one. */
export function inTransaction<T>(client: Db | Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return "$transaction" in client ? client.$transaction(fn) : fn(client);
}
