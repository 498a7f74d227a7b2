import { writeFileSync } from "node:fs";
import path from "node:path";
import { runbookJsonSchema } from "../lib/runbooks/json-schema.ts";

// npm run runbook:schema — regenerate runbooks/runbook.schema.json from the zod schema.
const out = path.resolve(import.meta.dirname, "..", "runbooks", "runbook.schema.json");
writeFileSync(out, runbookJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
