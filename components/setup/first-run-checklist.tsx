import Link from "next/link";
import type { Checklist } from "@/lib/setup/checklist";

/** The admin's first-run checklist on the board; the caller hides it once every item is done. */
export function FirstRunChecklist({ checklist }: { checklist: Checklist }) {
  const { items, done, total } = checklist;
  const progress = `${done} of ${total} done`;
  return (
    <section aria-label="First-run checklist" data-testid="first-run-checklist" className="rounded-lg border border-sky-200 bg-sky-50 dark:border-sky-900 dark:bg-sky-950/40">
      <details open className="group">
        <summary className="flex min-h-11 cursor-pointer list-none items-center gap-3 px-3 py-2 sm:px-4 [&::-webkit-details-marker]:hidden">
          <span className="min-w-0 flex-1">
            <span className="block font-semibold">Set up Rollcall</span>
            <span className="block text-xs text-slate-600 dark:text-slate-400" data-testid="checklist-progress">
              {progress}
            </span>
          </span>
          <span
            role="progressbar"
            aria-label="Setup progress"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={done}
            aria-valuetext={progress}
            className="h-2 w-20 shrink-0 overflow-hidden rounded-full bg-slate-200 sm:w-40 dark:bg-slate-800"
          >
            <span className="block h-full rounded-full bg-emerald-600" style={{ width: `${Math.round((done / total) * 100)}%` }} />
          </span>
          <span aria-hidden className="text-slate-600 dark:text-slate-400 transition-transform group-open:rotate-180">
            ▾
          </span>
        </summary>
        <ol className="divide-y divide-sky-100 border-t border-sky-100 dark:divide-sky-900 dark:border-sky-900" aria-label="Setup steps">
          {items.map((i) => (
            <li key={i.id} data-item={i.id} data-done={i.done} className="flex gap-3 px-3 py-2 text-sm sm:px-4">
              <span
                aria-hidden
                className={`mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-bold ${i.done ? "bg-emerald-600 text-white" : "border-2 border-slate-400 dark:border-slate-500"}`}
              >
                {i.done ? "✓" : ""}
              </span>
              <span className="min-w-0">
                <span className="sr-only">{i.done ? "Done: " : "To do: "}</span>
                <Link
                  href={i.href}
                  className={`font-medium underline-offset-2 hover:underline ${i.done ? "text-slate-600 line-through dark:text-slate-400" : "text-sky-800 underline dark:text-sky-300"}`}
                >
                  {i.title}
                </Link>
                {i.detail && <span className={i.done ? "text-slate-600 line-through dark:text-slate-400" : "text-slate-700 dark:text-slate-300"}>, {i.detail}</span>}
                {!i.done && <span className="block text-xs text-slate-600 dark:text-slate-400">{i.why}</span>}
              </span>
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}
