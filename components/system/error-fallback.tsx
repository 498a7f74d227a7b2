"use client";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { DatabaseUnavailable, LastReachable } from "./database-unavailable";
import { RetryStatus } from "./database-retry";
import { useDatabaseHealth } from "./use-database-health";
import { DATABASE_RETRY_SECONDS } from "@/lib/db/availability";

const RETRY_MS = DATABASE_RETRY_SECONDS * 1000;

/**
 * The error boundaries' one body. A server error reaches the browser as a digest only, so the
 * boundary asks /api/health: an unreachable database gets its own page that retries by itself
 * and comes back when the database does; anything else is an error with its digest.
 */
export function ErrorFallback({
  error,
  retry,
}: {
  error: unknown;
  retry: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const health = useDatabaseHealth({ everyMs: RETRY_MS, onBack: retry });
  const digest =
    error && typeof error === "object" && "digest" in error
      ? String((error as { digest?: unknown }).digest ?? "")
      : "";

  if (health.phase === "down" || health.phase === "offline") {
    const last =
      health.phase === "down" && health.lastReachableAt ? (
        <LastReachable iso={health.lastReachableAt} />
      ) : null;
    return (
      <DatabaseUnavailable
        heading={
          health.phase === "offline"
            ? "Rollcall unreachable, retrying"
            : undefined
        }
        lastReachable={last}
      >
        <RetryStatus health={health} everyMs={RETRY_MS} />
      </DatabaseUnavailable>
    );
  }
  if (health.phase === "checking") {
    return (
      <p
        role="status"
        className="mx-auto my-10 max-w-lg text-slate-700 dark:text-slate-300"
      >
        Something went wrong; checking whether the database answers…
      </p>
    );
  }
  return (
    <section
      aria-labelledby="error-h"
      className="mx-auto my-10 flex max-w-lg flex-col gap-3 px-4"
    >
      <h1 id="error-h" className="text-xl font-bold">
        Something went wrong
      </h1>
      <p className="text-slate-700 dark:text-slate-300">
        This page failed on the server. Nothing you did was lost; try again.
      </p>
      {digest && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Error reference <code className="font-mono">{digest}</code> (the
          server log has the details).
        </p>
      )}
      <div>
        <Button onClick={() => retry()}>Try again</Button>
      </div>
    </section>
  );
}
