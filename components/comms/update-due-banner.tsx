import Link from "next/link";
import type { DueUpdate } from "@/lib/comms/reminders";
import { RelativeTime } from "@/components/ui/relative-time";

function Row({ d }: { d: DueUpdate }) {
  return (
    <li className="flex items-center gap-x-3 text-sm text-red-900 dark:text-red-200">
      <span className="min-w-0 flex-1 truncate">
        {/* A phone's line is short: the key, so the words are not cut off mid-word. */}
        <span className="font-semibold sm:hidden">Update due: {d.key}</span>
        <span className="hidden font-semibold sm:inline">
          Stakeholder update due for {d.key} ({d.severity})
        </span>
        <span className="hidden sm:inline"> · {d.title}</span>
        <span className="hidden text-red-800 sm:inline dark:text-red-300">
          {" "}
          · due <RelativeTime iso={d.due.toISOString()} />
        </span>
      </span>
      <Link href={`/incidents/${d.key}#public-h`} className="inline-flex min-h-11 shrink-0 items-center rounded-md bg-red-700 px-3 font-semibold text-white hover:bg-red-800 dark:bg-red-600">
        Post an update
      </Link>
    </li>
  );
}

/**
 * Under the nav on every board page while an incident the viewer commands owes stakeholders an
 * update: one line each, and several collapse to a count so a phone keeps its screen.
 */
export function UpdateDueBanner({ due }: { due: DueUpdate[] }) {
  if (due.length === 0) return null;
  return (
    <div role="alert" aria-label="Stakeholder updates due" className="border-b-2 border-red-700 bg-red-50 dark:border-red-500 dark:bg-red-950">
      <div className="mx-auto max-w-6xl px-4 py-1">
        {due.length === 1 ? (
          <ul>
            <Row d={due[0]!} />
          </ul>
        ) : (
          <details>
            <summary className="flex min-h-11 cursor-pointer items-center text-sm font-semibold text-red-900 dark:text-red-200">{due.length} stakeholder updates due</summary>
            <ul className="space-y-1 pb-1">
              {due.map((d) => (
                <Row key={d.key} d={d} />
              ))}
            </ul>
          </details>
        )}
      </div>
    </div>
  );
}
