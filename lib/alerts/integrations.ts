import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db, type Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { encrypt } from "../comms/crypto.ts";
import { commsKey } from "../comms/key.ts";
import { activePolicy } from "../decisions/policy-registry.ts";
import { singleLine } from "../validation/text.ts";
import { INTEGRATION_KINDS } from "./payloads.ts";
import { mappingProblems, serviceSlug, ZAlertMapping, type AlertMapping } from "./mapping.ts";
import { tokenHash } from "./http.ts";

// Alert integrations, managed by admins at /admin/integrations. The token is shown once (create,
// rotate) and stored as its SHA-256; Grafana's HMAC secret is sealed with COMMS_KEY like channel
// secrets and never shown again. Every change is audited without the token or the secret.

const ZId = z.uuid("Choose an integration.");
const ZSlug = singleLine()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Use lower-case letters, digits and - (at most 63), starting with a letter or digit.");
const ZName = singleLine().trim().min(2, "Name the integration (at least 2 characters).").max(80, "Names are limited to 80 characters.");
const ZPrometheusUrl = z
  .union([z.literal(""), singleLine().trim().max(500).pipe(z.url({ protocol: /^https?$/, error: "A Prometheus base URL like http://prometheus:9090." }))])
  .optional()
  .transform((v) => (v ? v.replace(/\/+$/, "") : null));
const ZSecret = singleLine().max(500, "Secrets are limited to 500 characters.").optional().transform((v) => (v ? v : null));
const ZFlag = z.union([z.boolean(), z.enum(["true", "false", "on", "off", ""]).transform((v) => v === "true" || v === "on")]).default(false);

export const ZCreateIntegration = z.object({
  name: ZName,
  slug: z.union([z.literal(""), ZSlug]).optional(),
  kind: z.enum(INTEGRATION_KINDS, "Choose Alertmanager, Grafana, PagerDuty or generic JSON."),
  shadow: ZFlag,
  secret: ZSecret,
  prometheusUrl: ZPrometheusUrl,
  mapping: ZAlertMapping.default(ZAlertMapping.parse({})),
});
export type CreateIntegration = z.input<typeof ZCreateIntegration>;

export const ZUpdateIntegration = z.object({
  integrationId: ZId,
  name: ZName,
  shadow: ZFlag,
  /** Blank keeps the stored secret; clearSecret removes it. */
  secret: ZSecret,
  clearSecret: ZFlag,
  prometheusUrl: ZPrometheusUrl,
  mapping: ZAlertMapping,
});

export const ZIntegrationRef = z.object({ integrationId: ZId });
export const ZSetIntegrationEnabled = z.object({ integrationId: ZId, enabled: ZFlag });
export const ZDeleteIntegration = z.object({ integrationId: ZId, confirmName: singleLine().trim().max(200).default("") });

function newToken(): string {
  return `rca_${randomBytes(24).toString("base64url")}`;
}

function sealSecret(secret: string | null, kind: string): string | null {
  if (!secret) return null;
  if (kind !== "grafana") throw new AppError("VALIDATION", "Please correct the highlighted fields.", { secret: ["Only Grafana integrations sign their posts; leave the secret empty."] });
  const key = commsKey();
  if (!key) throw new AppError("CONFLICT", "Secrets cannot be stored: set COMMS_KEY (32 bytes, base64).", { secret: ["COMMS_KEY is not set on the server."] });
  return encrypt(secret, key);
}

function checkMapping(mapping: AlertMapping) {
  const problems = mappingProblems(mapping, activePolicy().policy);
  if (Object.keys(problems).length) throw new AppError("VALIDATION", "The mapping names a metric the active policy does not have.", problems);
}

const publicView = (r: { name: string; slug: string; kind: string; shadow: boolean; enabled: boolean; prometheusUrl: string | null; mapping: unknown; secretEncrypted: string | null }) => ({
  name: r.name, slug: r.slug, kind: r.kind, shadow: r.shadow, enabled: r.enabled, prometheusUrl: r.prometheusUrl, mapping: r.mapping, hasSecret: r.secretEncrypted !== null,
});

async function findIntegration(tx: Tx, id: string) {
  const row = await tx.alertIntegration.findUnique({ where: { id }, select: { id: true, name: true, slug: true, kind: true, shadow: true, enabled: true, prometheusUrl: true, mapping: true, secretEncrypted: true } });
  if (!row) throw new AppError("NOT_FOUND", "That integration no longer exists; reload the page.");
  return row;
}

function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } };
  if (e?.code !== "P2002") return null;
  const fields = e.meta?.driverAdapterError?.cause?.constraint?.fields ?? (Array.isArray(e.meta?.target) ? (e.meta.target as string[]) : []);
  return fields.join(",") || "unknown";
}

/** Creates an integration; the token is in the answer and nowhere else, ever. */
export async function createIntegration({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ id: string; slug: string; token: string; url: string }> {
  assertCan(ctx.actor, "integrations.manage");
  const parsed = ZCreateIntegration.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const d = parsed.data;
  checkMapping(d.mapping);
  const slug = d.slug || serviceSlug(d.name).slice(0, 63) || "alerts";
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { slug: ["Give the URL name letters or digits."] });
  const token = newToken();
  const secretEncrypted = sealSecret(d.secret, d.kind);
  try {
    const row = await db().$transaction(async (tx) => {
      const created = await tx.alertIntegration.create({
        data: { name: d.name, slug, kind: d.kind, tokenHash: tokenHash(token), tokenHint: token.slice(-4), secretEncrypted, mapping: d.mapping as Prisma.InputJsonValue, shadow: d.shadow, prometheusUrl: d.prometheusUrl },
        select: { id: true, name: true, slug: true, kind: true, shadow: true, enabled: true, prometheusUrl: true, mapping: true, secretEncrypted: true },
      });
      await appendAudit(tx, ctx, { action: "integration.create", targetType: "integration", targetId: created.slug, after: publicView(created) });
      return created;
    });
    return { id: row.id, slug: row.slug, token, url: `/api/alerts/${row.slug}` };
  } catch (err) {
    const which = uniqueViolation(err);
    if (which === null) throw err;
    const field = which.includes("slug") ? "slug" : "name";
    throw new AppError("CONFLICT", "Please correct the highlighted fields.", { [field]: [field === "slug" ? `The URL /api/alerts/${slug} is taken; choose another URL name.` : "An integration with this name exists."] });
  }
}

export async function updateIntegration({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "integrations.manage");
  const parsed = ZUpdateIntegration.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const d = parsed.data;
  checkMapping(d.mapping);
  try {
    return await db().$transaction(async (tx) => {
      const before = await findIntegration(tx, d.integrationId);
      const secretEncrypted = d.clearSecret ? null : d.secret ? sealSecret(d.secret, before.kind) : before.secretEncrypted;
      const after = await tx.alertIntegration.update({
        where: { id: before.id },
        data: { name: d.name, shadow: d.shadow, prometheusUrl: d.prometheusUrl, mapping: d.mapping as Prisma.InputJsonValue, secretEncrypted },
        select: { id: true, name: true, slug: true, kind: true, shadow: true, enabled: true, prometheusUrl: true, mapping: true, secretEncrypted: true },
      });
      await appendAudit(tx, ctx, { action: "integration.update", targetType: "integration", targetId: after.slug, before: publicView(before), after: { ...publicView(after), secretChanged: d.clearSecret || Boolean(d.secret) } });
      return { slug: after.slug, name: after.name };
    });
  } catch (err) {
    if (uniqueViolation(err) === null) throw err;
    throw new AppError("CONFLICT", "Please correct the highlighted fields.", { name: ["An integration with this name exists."] });
  }
}

/** A new token; the old one stops working at once. */
export async function rotateIntegrationToken({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "integrations.manage");
  const parsed = ZIntegrationRef.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const token = newToken();
  const slug = await db().$transaction(async (tx) => {
    const row = await findIntegration(tx, parsed.data.integrationId);
    await tx.alertIntegration.update({ where: { id: row.id }, data: { tokenHash: tokenHash(token), tokenHint: token.slice(-4) } });
    await appendAudit(tx, ctx, { action: "integration.rotate_token", targetType: "integration", targetId: row.slug, after: { tokenHint: token.slice(-4) } });
    return row.slug;
  });
  return { slug, token };
}

export async function setIntegrationEnabled({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "integrations.manage");
  const parsed = ZSetIntegrationEnabled.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  return db().$transaction(async (tx) => {
    const row = await findIntegration(tx, parsed.data.integrationId);
    if (row.enabled === parsed.data.enabled) return { slug: row.slug, enabled: row.enabled, changed: false };
    await tx.alertIntegration.update({ where: { id: row.id }, data: { enabled: parsed.data.enabled } });
    await appendAudit(tx, ctx, { action: parsed.data.enabled ? "integration.enable" : "integration.disable", targetType: "integration", targetId: row.slug, before: { enabled: row.enabled }, after: { enabled: parsed.data.enabled } });
    return { slug: row.slug, enabled: parsed.data.enabled, changed: true };
  });
}

/** Deleting keeps its alert groups (under the integration's name): history is never dropped. */
export async function deleteIntegration({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "integrations.manage");
  const parsed = ZDeleteIntegration.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  return db().$transaction(async (tx) => {
    const row = await findIntegration(tx, parsed.data.integrationId);
    if (parsed.data.confirmName !== row.name) {
      throw new AppError("VALIDATION", "Please correct the highlighted fields.", { confirmName: [`Type the integration's name (${row.name}) to delete it.`] });
    }
    await tx.alertIntegration.delete({ where: { id: row.id } });
    await appendAudit(tx, ctx, { action: "integration.delete", targetType: "integration", targetId: row.slug, before: publicView(row) });
    return { slug: row.slug, name: row.name };
  });
}
