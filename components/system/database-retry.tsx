"use client";
import { useCallback } from "react";
import { useRouter } from "next/navigation";
import { useDatabaseHealth, type DatabaseHealth } from "./use-database-health";

/** On a server-rendered page shown while the database is down: re-reads the page once it answers. */
export function DatabaseRetry({ everyMs }: { everyMs: number }) {
  const router = useRouter();
  const onBack = useCallback(() => router.refresh(), [router]);
  return (
    <RetryStatus
      health={useDatabaseHealth({ everyMs, onBack })}
      everyMs={everyMs}
    />
  );
}

/** One polite line: how often it checks and when it last did, or that the page is loading again. */
export function RetryStatus({
  health,
  everyMs,
}: {
  health: DatabaseHealth;
  everyMs: number;
}) {
  const every = `Checking every ${Math.round(everyMs / 1000)} seconds`;
  const text =
    health.phase === "up"
      ? "The database answers again; loading the page…"
      : health.phase === "checking"
        ? `${every}.`
        : `${every} (last check ${new Date(health.checkedAt).toLocaleTimeString()}).`;
  return (
    <p
      role="status"
      className="text-sm text-slate-700 dark:text-slate-300"
      data-testid="database-retry-status"
    >
      {text}
    </p>
  );
}
