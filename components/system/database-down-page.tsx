import {
  DATABASE_RETRY_SECONDS,
  databaseLastAnsweredAt,
} from "@/lib/db/availability";
import { DatabaseUnavailable, LastReachable } from "./database-unavailable";
import { DatabaseRetry } from "./database-retry";

// Without JavaScript the page reloads itself this often; with it, it re-reads once the database answers.
const REFRESH_SECONDS = 30;

/** A page (the board, the login page) rendered while the database is unreachable. */
export function DatabaseDownPage({
  heading,
  statusPageLink,
}: {
  heading?: string;
  statusPageLink?: boolean;
}) {
  const at = databaseLastAnsweredAt()?.toISOString();
  return (
    <main className="px-4">
      <DatabaseUnavailable
        heading={heading}
        statusPageLink={statusPageLink}
        lastReachable={at ? <LastReachable iso={at} /> : null}
        refreshSeconds={REFRESH_SECONDS}
      >
        <DatabaseRetry everyMs={DATABASE_RETRY_SECONDS * 1000} />
      </DatabaseUnavailable>
    </main>
  );
}
