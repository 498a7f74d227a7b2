// How alert events read on an incident's timeline (components/incidents/timeline.tsx asks here).

export const OUTCOME_LABELS: Record<string, string> = {
  act: "act",
  hold: "do not act",
  inconclusive: "inconclusive: a person decides",
};

type Readings = { trigger?: string | null; metrics?: Record<string, { value: number; forMinutes: number }> };

/** "error_rate_pct 12.5 for 10 min · trigger system_down" */
export function readingsText(r: unknown): string {
  const x = (r ?? {}) as Readings;
  const parts = Object.entries(x.metrics ?? {}).map(([id, m]) => `${id} ${m.value} for ${m.forMinutes} min`);
  if (x.trigger) parts.push(`trigger ${x.trigger}`);
  return parts.join(" · ");
}

function actionsText(actions: unknown): string {
  if (!Array.isArray(actions)) return "";
  return actions
    .map((a: Record<string, unknown>) => {
      const would = a.would ? "would " : "";
      switch (a.kind) {
        case "declare":
          return `${would}declare${a.incidentKey ? ` ${String(a.incidentKey)}` : ""}${a.commander ? ` (commander ${String(a.commander)})` : a.would ? "" : " (no commander on the escalation path)"}`;
        case "rollback":
          return `${would}${a.how === "request" ? "request" : "start"} rollback to ${String(a.target)}${a.from ? ` from ${String(a.from)}` : ""}`;
        case "rollback_refused":
          return `rollback not requested: ${String(a.error)}`;
        case "ask":
          return a.would ? "would ask on-call" : a.undelivered ? `on-call NOT reached: ${String(a.undelivered)}` : `asked on-call via ${Array.isArray(a.channels) ? a.channels.join(", ") : ""}`;
        default:
          return "";
      }
    })
    .filter(Boolean)
    .join(" · ");
}

export function describeAlertEvent(kind: string, p: Record<string, unknown>): { title: string; body?: string } | null {
  const str = (k: string) => (typeof p[k] === "string" ? (p[k] as string) : "");
  switch (kind) {
    case "alert_attached":
      return p.reopened
        ? { title: `Alert “${str("title")}” fired again (${str("integration")}, reopened${p.reopenCount ? ` ${String(p.reopenCount)}×` : ""})` }
        : { title: `Alert “${str("title")}” joined this incident (${str("integration")})`, body: p.alerts ? `${String(p.alerts)} firing` : undefined };
    case "alerts_resolved":
      return { title: "Every alert of this incident has resolved", body: str("note") || undefined };
    case "automation_decision":
      return {
        title: `Automation: ${OUTCOME_LABELS[str("outcome")] ?? str("outcome")}${p.shadow ? " (shadow mode: nothing was done)" : ""} — “${str("title")}”`,
        body: [str("reason"), readingsText(p.readings) ? `Readings: ${readingsText(p.readings)}` : "", actionsText(p.actions)].filter(Boolean).join("\n"),
      };
    default:
      return null;
  }
}
