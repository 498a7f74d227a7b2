import { STATUS_LABELS, type SeverityName, type StatusName } from "@/lib/incidents/schemas";

// House severity colours: CRITICAL red, HIGH orange, MEDIUM amber, LOW blue, in shades whose
// badge text keeps 4.5:1 (WCAG AA) in both themes (orange-600 with white was 3.6:1).
export const SEVERITY_STYLES: Record<SeverityName, { badge: string; bar: string }> = {
  CRITICAL: { badge: "bg-red-700 text-white dark:bg-red-600", bar: "border-l-red-600 dark:border-l-red-600" },
  HIGH: { badge: "bg-orange-700 text-white dark:bg-orange-500 dark:text-black", bar: "border-l-orange-500 dark:border-l-orange-500" },
  MEDIUM: { badge: "bg-amber-400 text-black", bar: "border-l-amber-400 dark:border-l-amber-400" },
  LOW: { badge: "bg-blue-700 text-white dark:bg-blue-600", bar: "border-l-blue-500 dark:border-l-blue-500" },
};

export function SeverityBadge({ severity }: { severity: SeverityName }) {
  return (
    <span className={`inline-flex items-center rounded px-2 py-0.5 text-xs font-bold tracking-wide ${SEVERITY_STYLES[severity].badge}`}>
      {severity}
    </span>
  );
}

const STATUS_STYLES: Record<StatusName, string> = {
  detected: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
  investigating: "bg-yellow-100 text-yellow-900 dark:bg-yellow-950 dark:text-yellow-200",
  rolling_back: "bg-purple-100 text-purple-900 dark:bg-purple-950 dark:text-purple-200",
  monitoring: "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200",
  resolved: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  closed: "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
};

export function StatusBadge({ status }: { status: StatusName }) {
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_STYLES[status]}`}>{STATUS_LABELS[status]}</span>;
}
