import type { IncidentDetail } from "@/lib/incidents/queries";
import { STATUS_LABELS, type StatusName } from "@/lib/incidents/schemas";
import { RelativeTime } from "@/components/ui/relative-time";

type Event = IncidentDetail["timeline"][number];

function describe(e: Event): { title: string; body?: string } {
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
    default:
      return { title: e.kind.replace(/_/g, " ") };
  }
}

export function Timeline({ events }: { events: Event[] }) {
  if (events.length === 0) return <p className="text-sm text-slate-500">Nothing recorded yet.</p>;
  return (
    <ol className="relative space-y-4 border-l-2 border-slate-200 pl-4 dark:border-slate-800" aria-label="Timeline">
      {events.map((e) => {
        const d = describe(e);
        return (
          <li key={e.id.toString()} className="relative">
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
