// The one permissions table: role -> allowed actions. Data, not code; unknown roles get nothing.
export const ROLES = ["viewer", "oncall", "teamlead", "productowner", "admin"] as const;
export type RoleName = (typeof ROLES)[number];

export const ACTIONS = [
  "incident.read",
  "incident.declare",
  "incident.update",
  "incident.changeStatus",
  "incident.note",
  "service.read",
  "service.manage",
  "user.manage",
  "audit.read",
  "rollback.request",
  "rollback.decide",
  "rollback.breakglass",
  "policy.read",
  "run.start",
  "run.operate",
  "run.log.read",
  "status.publish",
  "comms.send",
  "comms.manage",
  "contacts.manage",
  "settings.manage",
  /** /alerts: alert groups, their raw labels and what automation decided. */
  "alerts.read",
  /** /admin/integrations: alert sources, their tokens and mappings. */
  "integrations.manage",
  /** One's own account: change one's own password. */
  "account.manage",
  /** Deployment records (lib/deployments): read the history; record and finish deployments. */
  "deployment.read",
  "deployment.write",
] as const;
export type Action = (typeof ACTIONS)[number];

export const PERMISSIONS: Record<RoleName, readonly Action[]> = {
  viewer: ["incident.read", "service.read", "policy.read", "account.manage", "deployment.read"],
  oncall: [
    "incident.read",
    "incident.declare",
    "incident.update",
    "incident.changeStatus",
    "incident.note",
    "service.read",
    "policy.read",
    "rollback.request",
    "rollback.decide",
    "rollback.breakglass",
    "run.start",
    "run.operate",
    "run.log.read",
    "status.publish",
    "comms.send",
    "account.manage",
    "alerts.read",
    "deployment.read",
    "deployment.write",
  ],
  teamlead: [
    "incident.read",
    "incident.declare",
    "incident.update",
    "incident.changeStatus",
    "incident.note",
    "service.read",
    "policy.read",
    "rollback.request",
    "rollback.decide",
    "rollback.breakglass",
    "run.start",
    "run.operate",
    "run.log.read",
    "status.publish",
    "comms.send",
    "account.manage",
    "alerts.read",
    "deployment.read",
    "deployment.write",
  ],
  productowner: ["incident.read", "incident.note", "service.read", "policy.read", "rollback.decide", "run.log.read", "account.manage", "alerts.read", "deployment.read"],
  admin: [...ACTIONS],
};

/** What Rollcall's automation may do when an alert's decision says act (lib/alerts). Nothing else. */
export const AUTOMATION_ACTIONS: readonly Action[] = ["incident.declare", "incident.note", "rollback.request", "run.start"];

export const ROLE_LABELS: Record<RoleName, string> = {
  viewer: "Stakeholder (viewer)",
  oncall: "On-call engineer",
  teamlead: "Team lead",
  productowner: "Product owner",
  admin: "Administrator",
};

export function isRole(value: unknown): value is RoleName {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: string | null | undefined, action: Action): boolean {
  if (!isRole(role)) return false;
  return PERMISSIONS[role].includes(action);
}
