import { writeFileSync } from "node:fs";
import path from "node:path";
import { servicesJsonSchema } from "../lib/services/json-schema.ts";

// npm run services:schema — regenerate catalog/services.schema.json from the zod schema.
const out = path.resolve(import.meta.dirname, "..", "catalog", "services.schema.json");
writeFileSync(out, servicesJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
