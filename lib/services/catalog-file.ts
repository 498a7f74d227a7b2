import { z } from "zod";
import { parseAllDocuments } from "yaml";
import { contentVersion, parseYamlWith, type SourceError } from "../yaml/source.ts";
import { fromBackstage, isBackstageDocument, type CatalogEntry, type Skipped } from "./backstage.ts";
import { ZServiceFields } from "./schemas.ts";
import { singleLine } from "../validation/text.ts";

// A services file: Rollcall's own format (`services:`, schema in catalog/services.schema.json) or
// a Backstage catalog-info.yaml with one or more documents. Pure: text in, services or errors out.

export const ZServicesFile = z
  .strictObject({
    $schema: singleLine().optional(),
    services: z.array(ZServiceFields).max(1000, "At most 1,000 services in one file."),
  })
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.services.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: "custom", path: ["services", i, "name"], message: `service ${s.name} is declared twice` });
      seen.add(s.name);
    });
  });

export type ParsedCatalog =
  | { ok: true; format: "rollcall" | "backstage"; entries: CatalogEntry[]; skipped: Skipped[]; version: string }
  | { ok: false; errors: SourceError[] };

export function parseCatalog(file: string, text: string): ParsedCatalog {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const broken = list.flatMap((d) => d.errors);
  if (!broken.length && list.some((d) => isBackstageDocument(d.toJS()))) {
    const { entries, skipped } = fromBackstage(list.map((d) => d.toJS() as unknown));
    const names = new Set<string>();
    const unique = entries.filter((e) => {
      if (!names.has(e.fields.name)) return names.add(e.fields.name);
      skipped.push({ ref: e.ref, reason: `another component is already named ${e.fields.name}` });
      return false;
    });
    return { ok: true, format: "backstage", entries: unique, skipped, version: contentVersion(text) };
  }
  const r = parseYamlWith(ZServicesFile, file, text);
  if (!r.ok) return r;
  return { ok: true, format: "rollcall", entries: r.value.services.map((fields) => ({ ref: fields.name, fields })), skipped: [], version: r.version };
}
