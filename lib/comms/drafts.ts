import { z } from "zod";
import { singleLine } from "../validation/text.ts";
import { DEFAULT_TEMPLATES } from "../../templates/default-templates.ts";
import { db, type Tx } from "../db/client.ts";
import { SYSTEM, type Ctx } from "../auth/actor.ts";
import { assertCan } from "../auth/guard.ts";
import { AppError } from "../errors.ts";
import { recordIncidentChange } from "../incidents/record.ts";
import { publish } from "../realtime/publish.ts";
import { rooms } from "../realtime/events.ts";
import { queueMessage } from "./deliver.ts";
import { ZMessageBody } from "./send-message.ts";
import { incidentVars } from "./incident-vars.ts";
import { commsKey } from "./key.ts";
import { renderMessage, type Audience } from "./templates.ts";

/** What prepares a draft, and the template it is prepared from. */
export const DRAFT_TRIGGERS = {
  rollback_started: { template: "emergency-notification", label: "Rollback started" },
  rollback_completed: { template: "rollback-completion", label: "Rollback completed" },
  rollback_failed: { template: "rollback-failed", label: "Rollback failed" },
} as const;
export type DraftTrigger = keyof typeof DRAFT_TRIGGERS;

type Messages = { autoSend: boolean; channels: string[] };

async function templateByName(tx: Tx, name: string) {
  const saved = await tx.messageTemplate.findFirst({ where: { name }, orderBy: { version: "desc" }, select: { name: true, audience: true, subject: true, body: true } });
  return saved ?? DEFAULT_TEMPLATES.find((t) => t.name === name) ?? null;
}

/**
 * A live rollback started, completed or failed: prepare the matching message from the incident as
 * it is in this transaction. The severity's policy (incident.decision.messages) either sends it at
 * once to its channels or keeps it as a draft with those channels ticked. One per run and trigger.
 * Runs in the caller's transaction, so the draft exists exactly when the run change does.
 */
export async function prepareRollbackDraft(tx: Tx, input: { incidentId: string; runId: string; trigger: DraftTrigger; now: Date }) {
  const existing = await tx.message.findFirst({ where: { runId: input.runId, trigger: input.trigger }, select: { id: true } });
  if (existing) return null;
  const inc = await tx.incident.findUnique({ where: { id: input.incidentId }, select: { key: true, decision: true } });
  if (!inc) return null;
  const spec = DRAFT_TRIGGERS[input.trigger];
  const template = await templateByName(tx, spec.template);
  const vars = await incidentVars(inc.key, input.now, tx);
  if (!template || !vars) return null;
  const text = renderMessage(template, vars, "plain");
  const messages = ((inc.decision ?? {}) as { messages?: Messages | null }).messages ?? { autoSend: false, channels: [] };

  // Auto-send when policy says so and every channel it names can take the message now.
  let notSent: string | null = null;
  if (messages.autoSend) {
    const channels = messages.channels.length ? await tx.channel.findMany({ where: { name: { in: messages.channels }, active: true }, select: { id: true, name: true } }) : [];
    const missing = messages.channels.filter((n) => !channels.some((c) => c.name === n));
    if (!commsKey()) notSent = "channels are not configured on this server (COMMS_KEY)";
    else if (messages.channels.length === 0) notSent = "the policy names no channels for this severity";
    else if (missing.length) notSent = `no active channel named ${missing.map((m) => `“${m}”`).join(", ")}`;
    else {
      try {
        const queued = await queueMessage(tx, { incidentId: input.incidentId, templateName: template.name, audience: template.audience, subject: text.subject, body: text.body, channelIds: channels.map((c) => c.id), trigger: input.trigger, runId: input.runId }, input.now);
        await recordIncidentChange(tx, { actor: SYSTEM }, {
          incidentId: input.incidentId, incidentKey: inc.key, kind: "message_sent",
          payload: { messageId: queued.messageId, template: template.name, audience: template.audience, subject: text.subject, channels: channels.map((c) => c.name), automatic: true, trigger: input.trigger },
          action: "comms.auto_send", after: { messageId: queued.messageId, trigger: input.trigger, channels: channels.map((c) => c.name) },
        });
        return { messageId: queued.messageId, sent: true, incidentKey: inc.key };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        notSent = err.message;
      }
    }
  }
  const draft = await tx.message.create({
    data: { incidentId: input.incidentId, templateName: template.name, audience: template.audience, subject: text.subject, body: text.body, status: "draft", trigger: input.trigger, runId: input.runId, createdAt: input.now },
    select: { id: true },
  });
  await recordIncidentChange(tx, { actor: SYSTEM }, {
    incidentId: input.incidentId, incidentKey: inc.key, kind: "message_draft",
    payload: { messageId: draft.id, trigger: input.trigger, label: spec.label, subject: text.subject, notSent },
    action: "comms.draft", after: { messageId: draft.id, trigger: input.trigger, notSent },
  });
  return { messageId: draft.id, sent: false, incidentKey: inc.key };
}

/** Tell watchers of the incident that a draft (or an automatic message) is there; after commit. */
export function publishDraft(incidentKey: string) {
  publish([rooms.incident(incidentKey)], "incident:changed", { key: incidentKey, kind: "note", title: "", severity: "", status: "", by: "Rollcall", at: new Date().toISOString() });
}

export type DraftView = { id: string; trigger: string; label: string; audience: Audience; subject: string; body: string; createdAt: Date; channelNames: string[] };

/** Drafts waiting on an incident, newest first, with the channels its policy ticks. */
export async function incidentDrafts(key: string): Promise<DraftView[]> {
  const inc = await db().incident.findUnique({ where: { key }, select: { id: true, decision: true } });
  if (!inc) return [];
  const rows = await db().message.findMany({
    where: { incidentId: inc.id, status: "draft" },
    orderBy: { createdAt: "desc" },
    select: { id: true, trigger: true, audience: true, subject: true, body: true, createdAt: true },
  });
  const channels = ((inc.decision ?? {}) as { messages?: Messages | null }).messages?.channels ?? [];
  return rows.map((r) => ({ ...r, trigger: r.trigger ?? "", label: DRAFT_TRIGGERS[r.trigger as DraftTrigger]?.label ?? "Draft", channelNames: channels }));
}

export const ZSendDraft = z.object({
  key: singleLine().max(40),
  messageId: z.uuid("That draft does not exist."),
  subject: singleLine().trim().min(3, "Write a subject.").max(300, "Subjects are limited to 300 characters."),
  body: ZMessageBody,
  channelIds: z.array(z.uuid()).min(1, "Choose at least one channel."),
});

/** Send a draft as it is (or as edited): its deliveries are queued and it leaves the drafts. */
export async function sendDraft({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "comms.send");
  const parsed = ZSendDraft.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const m = parsed.data;
  if (!commsKey()) throw new AppError("CONFLICT", "Channels are not configured: set COMMS_KEY.");
  const now = new Date();
  await db().$transaction(async (tx) => {
    const inc = await tx.incident.findUnique({ where: { key: m.key }, select: { id: true } });
    if (!inc) throw new AppError("NOT_FOUND", `Incident ${m.key} does not exist.`);
    // The row lock makes two clicks (or two commanders) send it once.
    const locked = await tx.$queryRaw<{ status: string }[]>`select "status"::text as "status" from "Message" where "id" = ${m.messageId}::uuid and "incidentId" = ${inc.id}::uuid for update`;
    if (!locked[0]) throw new AppError("NOT_FOUND", "That draft does not exist.");
    if (locked[0].status !== "draft") throw new AppError("CONFLICT", locked[0].status === "queued" ? "This draft has already been sent." : "This draft was discarded.");
    const channels = await tx.channel.findMany({ where: { id: { in: m.channelIds }, active: true }, select: { id: true, name: true } });
    if (channels.length !== m.channelIds.length) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { channelIds: ["A chosen channel no longer exists or is inactive."] });
    const draft = await tx.message.findUniqueOrThrow({ where: { id: m.messageId }, select: { templateName: true, audience: true, trigger: true } });
    // queueMessage checks each channel's length limit before anything is written.
    await queueMessage(tx, { incidentId: inc.id, audience: draft.audience, subject: m.subject, body: m.body, createdById: ctx.actor.type === "user" ? ctx.actor.id : null, channelIds: m.channelIds, draftId: m.messageId }, now);
    await recordIncidentChange(tx, ctx, {
      incidentId: inc.id, incidentKey: m.key, kind: "message_sent",
      payload: { messageId: m.messageId, template: draft.templateName, audience: draft.audience, subject: m.subject, channels: channels.map((c) => c.name), trigger: draft.trigger },
      action: "comms.send_draft", after: { messageId: m.messageId, channels: channels.map((c) => c.name) },
    });
  });
  publishDraft(m.key);
}

export const ZDiscardDraft = z.object({ key: singleLine().max(40), messageId: z.uuid("That draft does not exist.") });

/** Drop a draft nobody will send; it stays in the database, marked discarded, for the record. */
export async function discardDraft({ ctx, input }: { ctx: Ctx; input: unknown }) {
  assertCan(ctx.actor, "comms.send");
  const parsed = ZDiscardDraft.safeParse(input);
  if (!parsed.success) throw AppError.validation(parsed.error);
  const m = parsed.data;
  await db().$transaction(async (tx) => {
    const inc = await tx.incident.findUnique({ where: { key: m.key }, select: { id: true } });
    if (!inc) throw new AppError("NOT_FOUND", `Incident ${m.key} does not exist.`);
    const res = await tx.message.updateMany({ where: { id: m.messageId, incidentId: inc.id, status: "draft" }, data: { status: "discarded" } });
    if (res.count === 0) throw new AppError("CONFLICT", "This draft was already sent or discarded.");
    await recordIncidentChange(tx, ctx, {
      incidentId: inc.id, incidentKey: m.key, kind: "note",
      payload: { note: "Discarded a prepared message draft." },
      action: "comms.discard_draft", after: { messageId: m.messageId },
    });
  });
  publishDraft(m.key);
}
