import type { IncidentDetail } from "@/lib/incidents/queries";
import { STATUS_LABELS, type StatusName } from "@/lib/incidents/schemas";
import { RelativeTime } from "@/components/ui/relative-time";
import { describeAlertEvent } from "@/components/alerts/timeline-text";

type Event = IncidentDetail["timeline"][number];

// `technical` false (stakeholders): no runbook parameters or versions, no raw errors from runs,
// channels or starts; those can name hosts, flags and variables.
function describe(e: Event, technical: boolean): { title: string; body?: string } {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof p[k] === "string" ? (p[k] as string) : "");
  switch (e.kind) {
    case "declared":
      return { title: `Declared ${str("severity")}`, body: `Trigger: ${str("trigger")} · Services: ${Array.isArray(p.services) ? p.services.join(", ") : ""}` };
    case "status_changed":
      return {
        title: `Status: ${STATUS_LABELS[str("from") as StatusName] ?? str("from")} → ${STATUS_LABELS[str("to") as StatusName] ?? str("to")}`,
        body: str("note") || undefined,
      };
    case "impact_updated": {
      const a = (p.after ?? {}) as Record<string, unknown>;
      const parts = [
        a.usersAffected != null ? `${Number(a.usersAffected).toLocaleString()} users` : null,
        a.revenueImpactCents != null ? `$${(Number(a.revenueImpactCents) / 100).toLocaleString()}` : null,
        a.dataLoss ? `data loss: ${String(a.dataLoss)}` : null,
      ].filter(Boolean);
      return { title: "Impact updated", body: parts.join(" · ") || "cleared" };
    }
    case "note":
      return { title: "Note", body: str("note") };
    case "decision":
      return {
        title: `Decision matrix: ${str("severity") || "no recommendation"}${str("scope") ? ` · ${str("scope")}` : ""}${p.responseMinutes ? ` · respond within ${String(p.responseMinutes)} min` : ""}`,
        body: Array.isArray(p.reasons) ? (p.reasons as string[]).join(" ") : undefined,
      };
    case "severity_override":
      return { title: `Severity set to ${str("chosen")} (matrix recommended ${str("recommended")})`, body: str("reason") };
    case "rollback_requested": {
      const params = technical && p.params && typeof p.params === "object" ? Object.entries(p.params as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`).join(", ") : "";
      return {
        title: `${str("mode") === "drill" ? `Drill requested (${str("environment")})` : "Rollback requested"}: ${str("runbook") || "runbook"} → ${str("target")}${str("scope") ? ` · ${str("scope")}` : " · scope not assessed"}`,
        body: [str("reason"), params ? `parameters: ${params}` : "", str("gate") !== "none" ? `needs ${Array.isArray(p.approverRoles) ? p.approverRoles.join(" or ") : ""}` : ""].filter(Boolean).join(" · "),
      };
    }
    case "rollback_cancelled":
      return { title: "Rollback request cancelled", body: str("reason") || undefined };
    case "rollback_start_failed":
      return { title: "The approved rollback could not start", body: (technical && str("error")) || undefined };
    case "run_paused":
      return {
        title: `${str("mode") === "drill" ? "Drill" : "Rollback"} paused: ${str("why") === "confirm" ? "a step needs a person to confirm it" : str("why") === "interrupted" ? "a step was interrupted" : "a step failed"}`,
        body: (technical && str("reason")) || undefined,
      };
    case "rollback_approved":
      return { title: p.decision === "approve" ? (p.final ? "Rollback approved" : `Approval ${String(p.approvals)}/${String(p.quorum)}`) : "Rollback started (no approval needed)", body: str("comment") || str("note") || undefined };
    case "rollback_rejected":
      return { title: "Rollback rejected", body: str("comment") || undefined };
    case "rollback_expired":
      return { title: "Rollback request expired undecided" };
    case "rollback_escalated":
      return {
        title: `Escalated to ${str("to")}${str("undelivered") ? " (could not be delivered)" : ""}`,
        body: [
          str("contact"),
          Array.isArray(p.approverRoles) ? `may decide: ${p.approverRoles.join(", ")}` : "",
          Array.isArray(p.notifiedVia) && p.notifiedVia.length ? `message queued to ${p.notifiedVia.join(", ")}` : "",
          str("undelivered") ? `NOT DELIVERED: ${str("undelivered")}` : "",
        ].filter(Boolean).join(" · "),
      };
    case "run_started":
      return { title: `${str("mode") === "dry_run" ? "Dry run" : str("mode") === "drill" ? "Drill" : "Rollback run"} started: ${str("runbook")}`, body: technical ? `version ${str("version")}` : undefined };
    case "run_step":
      return { title: `Run: ${str("action") || str("status")} ${str("step")}`.trim(), body: str("reason") || undefined };
    case "run_finished":
      return { title: `${str("mode") === "dry_run" ? "Dry run" : "Run"} ${str("status")}: ${str("runbook")}` };
    case "public_update":
      return { title: `Status page update (${str("status")}): ${str("publicTitle")}`, body: str("body") };
    case "service_state":
      return { title: `${str("service")} on the status page: ${str("from").replace("_", " ")} → ${str("to").replace("_", " ")}` };
    case "message_sent":
      return { title: `${p.automatic ? "Sent automatically (policy)" : "Message sent"} to ${Array.isArray(p.channels) ? p.channels.join(", ") : ""} (${str("audience")})`, body: str("subject") };
    case "message_draft":
      return {
        title: `${str("label")}: message prepared, ready to send`,
        body: [str("subject"), str("notSent") ? `Not sent automatically: ${str("notSent")}` : ""].filter(Boolean).join("\n"),
      };
    case "update_reminder":
      return { title: "Stakeholder update due", body: `Due ${str("due").replace("T", " ").slice(0, 16)} UTC${p.intervalMinutes ? ` (every ${String(p.intervalMinutes)} min)` : ""}: post a status page update or send a message.` };
    case "message_delivery":
      return {
        title: `${str("channel")}: ${str("status") === "delivered" ? "delivered" : str("status") === "given_up" ? "GAVE UP delivering" : `delivery failed (attempt ${String(p.attempt)}), retrying`}`,
        body: str("status") === "delivered" || !technical ? undefined : str("detail"),
      };
    case "break_glass":
      return { title: "BREAK-GLASS: approval gate overridden", body: str("justification") };
    case "alert_attached":
    case "alerts_resolved":
    case "automation_decision":
      return describeAlertEvent(e.kind, p) ?? { title: e.kind };
    case "deploy_freeze_forced":
      return { title: `Deployment recorded during the rollback: ${str("service")} ${str("version")} (freeze overridden)`, body: str("reason") };
    default:
      return { title: e.kind.replace(/_/g, " ") };
  }
}

export function Timeline({ events, technical = true }: { events: Event[]; technical?: boolean }) {
  if (events.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">Nothing recorded yet.</p>;
  return (
    <ol className="relative space-y-4 border-l-2 border-slate-200 pl-4 dark:border-slate-800" aria-label="Timeline">
      {events.map((e) => {
        const d = describe(e, technical);
        const loud = e.kind === "break_glass";
        return (
          <li key={e.id.toString()} className={`relative ${loud ? "rounded-md bg-red-50 p-2 ring-2 ring-red-600 dark:bg-red-950" : ""}`}>
            <span aria-hidden className="absolute top-1.5 -left-[23px] h-3 w-3 rounded-full border-2 border-white bg-slate-400 dark:border-slate-950" />
            <div className="flex flex-wrap items-baseline gap-x-2 text-sm">
              <span className="font-semibold">{d.title}</span>
              <span className="text-slate-500 dark:text-slate-400">
                {e.actorLabel} · <RelativeTime iso={e.at.toISOString()} />
              </span>
            </div>
            {d.body && <p className="mt-0.5 text-sm whitespace-pre-wrap break-words text-slate-700 dark:text-slate-300">{d.body}</p>}
          </li>
        );
      })}
    </ol>
  );
}
