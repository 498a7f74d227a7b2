import { startDemoService } from "../lib/demo/demo-service.ts";

// Runs the demo service as its own process: `tsx scripts/demo-service.ts <port> <state-file> [checkouts-per-second]`.
const [port, stateFile, traffic] = process.argv.slice(2);
if (!port || !stateFile) {
  console.error("usage: demo-service <port> <state-file> [checkouts-per-second]");
  process.exit(2);
}
const server = await startDemoService({ port: Number(port), stateFile, trafficPerSecond: Number(traffic ?? 0) });
console.log(`demo service on http://127.0.0.1:${port}`);
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => server.close(() => process.exit(0)));
