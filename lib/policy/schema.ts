import { z } from "zod";

// The decision matrix as data. One format expresses every seed document's matrix:
// severity defaults (response time, authority, auto-rollback), rules that match what is known
// (trigger, share of users, time to fix, sustained metric readings) and metric bands.

export const SEVERITY_IDS = ["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const;
export type SeverityId = (typeof SEVERITY_IDS)[number];

export const ACTIONS = ["rollback", "consider_rollback", "fix_forward", "investigate", "monitor", "security_review", "none"] as const;
export type PolicyAction = (typeof ACTIONS)[number];

export const POLICY_ROLES = ["oncall", "teamlead", "productowner", "admin"] as const;

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "use lower-case letters, digits, - and _");
const minutes = z.number().positive("must be more than 0 minutes");

export const ZApproval = z
  .object({
    mode: z.enum(["none", "role", "quorum"]),
    roles: z.array(z.enum(POLICY_ROLES)).default([]),
    quorum: z.number().int().min(1).default(1),
    selfApproval: z.boolean().default(false),
    expiresMinutes: minutes.default(60),
    start: z
      .enum(["auto", "requester"])
      .default("auto")
      .describe("auto: approval starts the approved run at once; requester: it waits for someone to press Start"),
    breakGlass: z
      .object({
        roles: z
          .array(z.enum(POLICY_ROLES))
          .default([])
          .describe("roles that may break glass on this severity's requests; empty: every role allowed to break glass"),
        ownRequest: z.boolean().default(false).describe("whether the requester may break glass on their own request"),
      })
      .strict()
      .default({ roles: [], ownRequest: false })
      .describe("who may override a pending gate without approval (break glass), on whose request; default: anyone allowed to, except the requester"),
  })
  .refine((a) => a.mode === "none" || a.roles.length > 0, { message: "an approval gate needs at least one approving role", path: ["roles"] })
  .refine((a) => a.mode !== "quorum" || a.quorum >= 2, { message: "a quorum gate needs quorum of 2 or more", path: ["quorum"] });
export type Approval = z.infer<typeof ZApproval>;

const ZBound = z
  .object({ gt: z.number().optional(), gte: z.number().optional(), lt: z.number().optional(), lte: z.number().optional() })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "give at least one of gt, gte, lt, lte" });
export type Bound = z.infer<typeof ZBound>;

const ZMetricCondition = ZBound.and(
  z.object({
    metric: id,
    /** How long the reading must have held; "sustained" in the seeds. */
    forMinutes: z.number().min(0).default(0),
  }),
);

export const ZCondition = z
  .object({
    trigger: z.array(id).min(1).optional(),
    severity: z.array(z.enum(SEVERITY_IDS)).min(1).optional(),
    usersAffectedPct: ZBound.optional(),
    timeToFixMinutes: ZBound.optional(),
    metrics: z.array(ZMetricCondition).min(1).optional(),
  })
  .strict()
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: "a rule needs at least one condition" });
export type Condition = z.infer<typeof ZCondition>;

export const ZRule = z
  .object({
    id,
    when: ZCondition,
    then: z
      .object({
        severity: z.enum(SEVERITY_IDS).optional(),
        action: z.enum(ACTIONS).default("rollback"),
        scope: id.optional(),
        level: z.union([z.number().int().min(1), z.object({ min: z.number().int().min(1), max: z.number().int().min(1) })]).optional(),
        responseMinutes: minutes.optional(),
        autoRollback: z.enum(["yes", "no", "conditional"]).optional(),
        runbook: z.string().min(1).optional(),
      })
      .strict(),
    reason: z.string().min(3),
  })
  .strict();
export type Rule = z.infer<typeof ZRule>;

export const ALERTS_DEFAULTS = {
  shadow: false,
  flapWindowMinutes: 30,
  staleMinutes: 15,
  whenNotAutomatic: "declare" as const,
  circuitBreaker: { maxRollbacks: 1, windowMinutes: 60 },
};

/** What Rollcall does with alerts (lib/alerts): the guards around automatic rollback. */
export const ZAlertsPolicy = z
  .object({
    shadow: z
      .boolean()
      .default(ALERTS_DEFAULTS.shadow)
      .describe("true: record what automation would have done (declare, roll back) without doing it"),
    flapWindowMinutes: z
      .number()
      .min(0)
      .default(ALERTS_DEFAULTS.flapWindowMinutes)
      .describe("a group that fires again within this many minutes of resolving is reopened, not a new incident"),
    staleMinutes: minutes
      .default(ALERTS_DEFAULTS.staleMinutes)
      .describe("readings older than this (alert not re-sent) make a decision inconclusive"),
    whenNotAutomatic: z
      .enum(["declare", "propose"])
      .default(ALERTS_DEFAULTS.whenNotAutomatic)
      .describe("policy says roll back but autoRollback is no: declare the incident, or only propose it to on-call"),
    circuitBreaker: z
      .object({
        maxRollbacks: z.number().int().min(0).default(ALERTS_DEFAULTS.circuitBreaker.maxRollbacks),
        windowMinutes: minutes.default(ALERTS_DEFAULTS.circuitBreaker.windowMinutes),
      })
      .strict()
      .default(ALERTS_DEFAULTS.circuitBreaker)
      .describe("at most maxRollbacks automatic rollbacks per service per window; then a person decides"),
  })
  .strict();
export type AlertsPolicy = z.infer<typeof ZAlertsPolicy>;

export const ZPolicy = z
  .object({
    name: z.string().min(1),
    description: z.string().default(""),
    source: z.string().default(""),
    triggers: z.array(z.object({ id, label: z.string().min(1) }).strict()).default([]),
    scopes: z.array(z.object({ id, label: z.string().min(1) }).strict()).min(1),
    severities: z
      .array(
        z
          .object({
            id: z.enum(SEVERITY_IDS),
            label: z.string().min(1),
            responseMinutes: minutes,
            approval: ZApproval,
            initiators: z.array(z.enum(POLICY_ROLES)).min(1),
            autoRollback: z.enum(["yes", "no", "conditional"]).default("no"),
            updateIntervalMinutes: minutes.default(30),
            /**
             * Messages prepared when a live rollback starts, completes or fails: sent at once to these
             * channels (by name) when autoSend is true, otherwise kept as drafts with them ticked.
             */
            messages: z
              .object({ autoSend: z.boolean().default(false), channels: z.array(z.string().min(1)).default([]) })
              .strict()
              .default({ autoSend: false, channels: [] }),
          })
          .strict(),
      )
      .min(1),
    metrics: z
      .array(
        z
          .object({
            id,
            label: z.string().min(1),
            unit: z.string().default(""),
            warning: ZBound,
            critical: ZBound,
            action: z.enum(ACTIONS).default("monitor"),
          })
          .strict(),
      )
      .default([]),
    escalation: z
      .array(
        z
          .object({
            afterMinutes: z.number().min(0),
            role: z.string().min(1),
            contact: z.string().default(""),
            /** The Rollcall role that may also decide a request once it escalates to this step. */
            approverRole: z.enum(POLICY_ROLES).optional(),
          })
          .strict(),
      )
      .default([]),
    rules: z.array(ZRule).min(1),
    alerts: ZAlertsPolicy.default(ALERTS_DEFAULTS),
  })
  .strict()
  .superRefine((p, ctx) => {
    const triggers = new Set(p.triggers.map((t) => t.id));
    const scopes = new Set(p.scopes.map((s) => s.id));
    const severities = new Set(p.severities.map((s) => s.id));
    const metrics = new Set(p.metrics.map((m) => m.id));
    const seen = new Set<string>();
    p.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
      r.when.trigger?.forEach((t, j) => {
        if (!triggers.has(t)) ctx.addIssue({ code: "custom", path: ["rules", i, "when", "trigger", j], message: `unknown trigger "${t}" (add it under triggers)` });
      });
      r.when.metrics?.forEach((m, j) => {
        if (!metrics.has(m.metric)) ctx.addIssue({ code: "custom", path: ["rules", i, "when", "metrics", j, "metric"], message: `unknown metric "${m.metric}" (add it under metrics)` });
      });
      if (r.then.scope && !scopes.has(r.then.scope)) ctx.addIssue({ code: "custom", path: ["rules", i, "then", "scope"], message: `unknown scope "${r.then.scope}"` });
      if (r.then.severity && !severities.has(r.then.severity)) ctx.addIssue({ code: "custom", path: ["rules", i, "then", "severity"], message: `severity ${r.then.severity} has no entry under severities` });
      const lvl = r.then.level;
      if (lvl && typeof lvl === "object" && lvl.min > lvl.max) ctx.addIssue({ code: "custom", path: ["rules", i, "then", "level"], message: "level min is above max" });
    });
  });
export type Policy = z.infer<typeof ZPolicy>;
export type PolicyInput = z.input<typeof ZPolicy>;
