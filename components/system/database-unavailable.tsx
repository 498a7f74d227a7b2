import type { ReactNode } from "react";
import { RelativeTime } from "@/components/ui/relative-time";

/**
 * What a page says instead of itself while the database is unreachable. Rendered by the server
 * (with a meta refresh, so it retries without JavaScript too) and by the error boundaries.
 */
export function DatabaseUnavailable({
  heading = "Database unreachable, retrying",
  lastReachable,
  refreshSeconds,
  statusPageLink = true,
  children,
}: {
  heading?: string;
  /** The last time the database answered, already formatted; null when unknown. */
  lastReachable: ReactNode | null;
  /** Server-rendered only: reload the page this often. */
  refreshSeconds?: number;
  /** Point people at the public status page (not on that page itself). */
  statusPageLink?: boolean;
  /** The live retry status (a client component). */
  children?: ReactNode;
}) {
  return (
    <section
      aria-labelledby="database-unavailable-h"
      data-testid="database-unavailable"
      className="mx-auto my-10 flex max-w-lg flex-col gap-3 rounded-lg border-2 border-amber-500 bg-amber-50 p-6 text-slate-900 dark:bg-amber-950/40 dark:text-slate-100"
    >
      {refreshSeconds ? (
        <meta httpEquiv="refresh" content={String(refreshSeconds)} />
      ) : null}
      <h1 id="database-unavailable-h" className="text-xl font-bold">
        {heading}
      </h1>
      <p>
        Rollcall cannot reach its database, so this page cannot be shown right
        now. It loads by itself as soon as the database answers again; there is
        no need to reload.
      </p>
      <p className="text-sm">
        <span className="font-semibold">Last reachable:</span>{" "}
        {lastReachable ?? "not known (not since this server started)"}
      </p>
      {children}
      {statusPageLink && (
        <p className="text-sm">
          Customers still see the last known state on the{" "}
          <a
            href="/status"
            className="font-semibold text-sky-800 underline dark:text-sky-300"
          >
            public status page
          </a>
          .
        </p>
      )}
    </section>
  );
}

/** "2026-11-29 19:40 UTC (4 min ago)". */
export function LastReachable({ iso }: { iso: string }) {
  return (
    <span data-testid="database-last-reachable">
      {iso.slice(0, 16).replace("T", " ")} UTC (<RelativeTime iso={iso} />)
    </span>
  );
}
