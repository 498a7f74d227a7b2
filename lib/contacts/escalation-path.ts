import { db, type Db, type Tx } from "../db/client.ts";
import type { Ctx } from "../auth/actor.ts";
import { actorFields } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { appendAudit } from "../audit/index.ts";
import { activePolicy } from "../decisions/policy-registry.ts";
import type { POLICY_ROLES } from "../policy/schema.ts";
import { stepsFromValues, ZSaveEscalationPath, ZStoredSteps } from "./schemas.ts";
import { CONTACTS_LOCK as PATH_LOCK } from "../db/locks.ts";

export type EscalationStep = {
  afterMinutes: number;
  role: string;
  approverRole?: (typeof POLICY_ROLES)[number];
  contactIds: string[];
  /** Free text from the policy file (saved paths name contacts instead). */
  contact: string;
};

export type EscalationPath = {
  /** "policy": nobody saved a path yet, the policy file's `escalation:` applies. */
  source: "policy" | "saved";
  version: number;
  savedBy: string | null;
  savedAt: Date | null;
  steps: EscalationStep[];
};


/**
 * The one escalation path in use. The policy's `escalation:` is the default (and the seed); once
 * an admin saves a path at /admin/contacts, the newest saved version wins and edits to the policy
 * file's path no longer apply. Every saved version is kept (and audited).
 */
export async function escalationPath(client: Db | Tx = db()): Promise<EscalationPath> {
  const row = await client.escalationPathVersion.findFirst({
    orderBy: { version: "desc" },
    select: { version: true, steps: true, createdByLabel: true, createdAt: true },
  });
  const parsed = row ? ZStoredSteps.safeParse(row.steps) : null;
  if (row && parsed?.success) {
    return { source: "saved", version: row.version, savedBy: row.createdByLabel, savedAt: row.createdAt, steps: parsed.data.map((s) => ({ ...s, contact: "" })) };
  }
  if (row) console.error(`[escalation] saved path version ${row.version} does not parse; using the policy's path`);
  return {
    source: "policy",
    version: 0,
    savedBy: null,
    savedAt: null,
    steps: activePolicy().policy.escalation.map((s) => ({ afterMinutes: s.afterMinutes, role: s.role, approverRole: s.approverRole, contactIds: [], contact: s.contact })),
  };
}

/** Every saved version, newest first, for the history list. */
export async function escalationHistory(client: Db = db(), take = 20) {
  const rows = await client.escalationPathVersion.findMany({
    orderBy: { version: "desc" },
    take,
    select: { version: true, steps: true, createdByLabel: true, createdAt: true },
  });
  return rows.map((r) => ({ ...r, steps: ZStoredSteps.safeParse(r.steps).data ?? [] }));
}

/** Saves a new version of the path (never overwrites one); the approvals sweeper uses it at once. */
export async function saveEscalationPath({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "contacts.manage");
  const values = (input ?? {}) as Record<string, string | string[] | undefined>;
  const parsed = ZSaveEscalationPath.safeParse({
    baseVersion: values.baseVersion,
    steps: stepsFromValues(values),
  });
  if (!parsed.success) throw AppError.validation(parsed.error);
  const { baseVersion, steps } = parsed.data;

  return db().$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(${PATH_LOCK})`;
    const current = await escalationPath(tx);
    if (current.version !== baseVersion) {
      throw new AppError("CONFLICT", `Someone saved the escalation path meanwhile (now version ${current.version}). Reload the page and make your change again.`);
    }
    const ids = [...new Set(steps.flatMap((s) => s.contactIds))];
    const found = new Set((await tx.contact.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((c) => c.id));
    const fieldErrors: Record<string, string[]> = {};
    steps.forEach((s, i) => {
      if (s.contactIds.some((id) => !found.has(id))) fieldErrors[`steps.${i}.contactIds`] = ["A chosen contact no longer exists; reload the page."];
    });
    if (Object.keys(fieldErrors).length) throw new AppError("VALIDATION", "Please correct the highlighted fields.", fieldErrors);

    const version = current.version + 1;
    const stored = steps.map((s) => ({ afterMinutes: s.afterMinutes, role: s.role, ...(s.approverRole ? { approverRole: s.approverRole } : {}), contactIds: [...new Set(s.contactIds)] }));
    await tx.escalationPathVersion.create({
      data: { version, steps: stored, createdById: ctx.actor.type === "user" ? ctx.actor.id : null, createdByLabel: actorFields(ctx.actor).actorLabel },
    });
    await appendAudit(tx, ctx, {
      action: "escalation.save",
      targetType: "escalation_path",
      targetId: String(version),
      before: { source: current.source, version: current.version, steps: current.steps.map(({ contact: _c, ...s }) => s) },
      after: { version, steps: stored },
    });
    return { version };
  });
}
