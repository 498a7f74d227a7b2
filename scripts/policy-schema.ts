import { writeFileSync } from "node:fs";
import path from "node:path";
import { policyJsonSchema } from "../lib/policy/json-schema.ts";

// npm run policy:schema — regenerate policy/policy.schema.json from the zod schema.
const out = path.resolve(import.meta.dirname, "..", "policy", "policy.schema.json");
writeFileSync(out, policyJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
