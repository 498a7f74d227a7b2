// A RunEngine in a process of its own, for the crash-safety and two-instance tests:
//   DATABASE_URL=... node --import tsx lib/runs/testing/engine-process.ts
// Prints "ready <instanceId>" once started; SIGTERM stops it cleanly, SIGKILL is the crash.
import { createDb } from "../../db/client.ts";
import { RunEngine } from "../engine.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required");
  process.exit(2);
}
const db = createDb(url);
const engine = new RunEngine({
  db,
  tickMs: Number(process.env.ENGINE_TICK_MS ?? 50),
  heartbeatMs: Number(process.env.ENGINE_HEARTBEAT_MS ?? 200),
  // A lease a loaded machine does not lapse by accident; crash and fencing tests set their own.
  staleAfterMs: Number(process.env.ENGINE_STALE_MS ?? 3000),
  log: (line) => console.error(line),
});
await engine.start();
console.log(`ready ${engine.instanceId}`);

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  void engine
    .stop()
    .then(() => db.$disconnect())
    .finally(() => process.exit(0));
});
