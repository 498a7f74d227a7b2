// The one typed event map, imported by the socket server, publish() and the client hooks.
// Events carry identifiers and small summaries; clients re-read state from the server.

export type IncidentChanged = {
  key: string;
  kind: "created" | "status" | "impact" | "details" | "note";
  title: string;
  severity: string;
  status: string;
  by: string;
  at: string;
};

export type ApprovalChanged = {
  requestId: string;
  incidentKey: string;
  incidentTitle: string;
  severity: string;
  kind: "requested" | "approved" | "rejected" | "voted" | "expired" | "escalated" | "overridden" | "cancelled";
  status: string;
  by: string;
  at: string;
};

export type RunChanged = {
  runId: string;
  incidentKey: string | null;
  kind: "started" | "step" | "log" | "finished" | "paused";
  status: string;
  at: string;
};

/** A stakeholder update is due: sent to the incident's commander only. */
export type UpdateDue = { incidentKey: string; title: string; severity: string; due: string };

/** An alert group changed (received, decided, resolved) or the automation switch moved: /alerts re-reads. */
export type AlertChanged = { groupId: string | null; status: string; outcome: string | null; incidentKey: string | null; at: string };

/** Every alert of an incident resolved: told to its commander (the incident is not resolved for them). */
export type AlertsResolved = { incidentKey: string; title: string; at: string };

/** The only event of the public namespace: something on the status page changed. No details. */
export type PublicStatusChanged = { at: string };

export type ServerToClientEvents = {
  "status:changed": (e: PublicStatusChanged) => void;
  "run:changed": (e: RunChanged) => void;
  "approval:changed": (e: ApprovalChanged) => void;
  "incident:changed": (e: IncidentChanged) => void;
  "service:changed": (e: { id: string; at: string }) => void;
  "update:due": (e: UpdateDue) => void;
  "alert:changed": (e: AlertChanged) => void;
  "alerts:resolved": (e: AlertsResolved) => void;
  "session:ended": (e: { reason: string }) => void;
};

export type ClientToServerEvents = {
  "incident:watch": (key: string) => void;
  "incident:unwatch": (key: string) => void;
};

export type SocketData = { userId: string; role: string; email: string; sid?: string };

export const rooms = {
  board: "board",
  incident: (key: string) => `incident:${key}`,
  user: (id: string) => `user:${id}`,
  /** One signed-in browser's sockets, dropped when that session is revoked. */
  session: (sid: string) => `session:${sid}`,
  approvals: (role: string) => `approvals:${role}`,
  run: (id: string) => `run:${id}`,
};
