import { SERVICE_TIERS, ZServiceFields, type ServiceFields } from "./schemas.ts";

// Backstage catalog-info.yaml → Rollcall services. Pure: parsed documents in, services and the
// reasons for what was skipped out. Rollcall reads these annotations (documented in the README):
export const ANNOTATIONS = {
  tier: "rollcall.dev/tier", // Critical | High | Medium | Low (default Medium)
  rto: "rollcall.dev/rto-minutes", // required
  rpo: "rollcall.dev/rpo-minutes", // required
  runbooks: "rollcall.dev/runbooks", // comma-separated runbook names, preferred first
  environments: "rollcall.dev/environments", // comma-separated (default production)
  statusPage: "rollcall.dev/status-page", // "false" hides the service from the public status page
  publicName: "rollcall.dev/public-name", // the name on the status page
} as const;

export type CatalogEntry = { ref: string; fields: ServiceFields };
export type Skipped = { ref: string; reason: string };

type Entity = {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; title?: unknown; description?: unknown; annotations?: Record<string, unknown> };
  spec?: { owner?: unknown; lifecycle?: unknown; system?: unknown; type?: unknown };
};

export function isBackstageDocument(doc: unknown): boolean {
  const v = (doc as Entity | null)?.apiVersion;
  return typeof v === "string" && v.startsWith("backstage.io/");
}

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const csv = (v: unknown) => str(v)?.split(",").map((s) => s.trim()).filter(Boolean);

/** "group:default/payments" → "payments"; "user:jane" → "jane". */
function ownerName(owner: unknown): string | undefined {
  const s = str(owner);
  if (!s) return undefined;
  return s.replace(/^[a-z]+:/i, "").replace(/^[^/]+\//, "");
}

function refOf(e: Entity, index: number): string {
  const kind = str(e.kind)?.toLowerCase() ?? "unknown";
  const name = str(e.metadata?.name);
  return name ? `${kind}:${str(e.metadata?.namespace) ?? "default"}/${name}` : `document ${index + 1}`;
}

export function fromBackstage(docs: readonly unknown[]): { entries: CatalogEntry[]; skipped: Skipped[] } {
  const entries: CatalogEntry[] = [];
  const skipped: Skipped[] = [];
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    const e = doc as Entity;
    const ref = refOf(e, i);
    if (!isBackstageDocument(e)) return void skipped.push({ ref, reason: "not a Backstage entity (no backstage.io/ apiVersion)" });
    if (e.kind !== "Component") return void skipped.push({ ref, reason: `kind ${String(e.kind)} is not a deployable service: only Component is imported` });
    if (e.spec?.type === "library") return void skipped.push({ ref, reason: "a library is not deployed on its own, so it is not rolled back" });
    const a = e.metadata?.annotations ?? {};
    const missing = [ANNOTATIONS.rto, ANNOTATIONS.rpo].filter((k) => str(a[k]) === undefined);
    if (missing.length) return void skipped.push({ ref, reason: `no ${missing.join(" or ")} annotation: Rollcall does not guess recovery objectives` });
    const tier = str(a[ANNOTATIONS.tier]) ?? "Medium";
    const parsed = ZServiceFields.safeParse({
      name: str(e.metadata?.title) ?? str(e.metadata?.name),
      description: str(e.metadata?.description) ?? "",
      tier: SERVICE_TIERS.find((t) => t.toLowerCase() === tier.toLowerCase()) ?? tier,
      rtoMinutes: str(a[ANNOTATIONS.rto]),
      rpoMinutes: str(a[ANNOTATIONS.rpo]),
      ownerTeam: ownerName(e.spec?.owner),
      lifecycle: str(e.spec?.lifecycle) ?? null,
      system: str(e.spec?.system) ?? null,
      environments: csv(a[ANNOTATIONS.environments]) ?? ["production"],
      runbooks: (csv(a[ANNOTATIONS.runbooks]) ?? []).map((runbook) => ({ runbook, defaults: {} })),
      onStatusPage: str(a[ANNOTATIONS.statusPage])?.toLowerCase() !== "false",
      publicName: str(a[ANNOTATIONS.publicName]) ?? null,
    });
    if (!parsed.success) {
      const why = parsed.error.issues.map((x) => `${x.path.join(".") || "component"}: ${x.message}`).join("; ");
      return void skipped.push({ ref, reason: why });
    }
    entries.push({ ref, fields: parsed.data });
  });
  return { entries, skipped };
}
