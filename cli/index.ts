import { run } from "./program.ts";

const code = await run(process.argv.slice(2), {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  env: process.env,
  isTTY: process.stderr.isTTY,
});
process.exitCode = code;
