import Link from "next/link";
import type { DueUpdate } from "@/lib/comms/reminders";
import { RelativeTime } from "@/components/ui/relative-time";

/** Under the nav on every board page while an incident the viewer commands owes stakeholders an update. */
export function UpdateDueBanner({ due }: { due: DueUpdate[] }) {
  if (due.length === 0) return null;
  return (
    <div role="alert" aria-label="Stakeholder updates due" className="border-b-2 border-red-700 bg-red-50 dark:border-red-500 dark:bg-red-950">
      <ul className="mx-auto max-w-6xl space-y-1 px-4 py-2">
        {due.map((d) => (
          <li key={d.key} className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-red-900 dark:text-red-200">
            <span className="font-semibold">
              Stakeholder update due for {d.key} ({d.severity})
            </span>
            <span className="min-w-0 truncate">{d.title}</span>
            <span className="text-red-800 dark:text-red-300">
              due <RelativeTime iso={d.due.toISOString()} />
            </span>
            <Link href={`/incidents/${d.key}#public-h`} className="ml-auto inline-flex min-h-11 items-center rounded-md bg-red-700 px-3 font-semibold text-white hover:bg-red-800 dark:bg-red-600">
              Post an update
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
