"use client";
import { useEffect, useState } from "react";

export type DatabaseHealth =
  | { phase: "checking" }
  | { phase: "up" }
  | { phase: "down"; lastReachableAt: string | null; checkedAt: string }
  | { phase: "offline"; checkedAt: string };

type HealthBody = {
  database?: { reachable?: boolean; lastReachableAt?: string | null };
};

async function check(): Promise<DatabaseHealth> {
  const checkedAt = new Date().toISOString();
  try {
    const res = await fetch("/api/health", { cache: "no-store" });
    const body = (await res.json()) as HealthBody;
    if (body.database?.reachable) return { phase: "up" };
    return {
      phase: "down",
      lastReachableAt: body.database?.lastReachableAt ?? null,
      checkedAt,
    };
  } catch {
    // Rollcall itself did not answer (restarting, or the network between).
    return { phase: "offline", checkedAt };
  }
}

/**
 * Asks /api/health now and then every `everyMs` while the database (or Rollcall) does not answer;
 * stops once it does. `onBack` runs when an unreachable database answers again.
 */
export function useDatabaseHealth(opts: {
  everyMs: number;
  onBack?: () => void;
}): DatabaseHealth {
  const [health, setHealth] = useState<DatabaseHealth>({ phase: "checking" });
  const { everyMs, onBack } = opts;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    let wasDown = false;
    const run = async () => {
      const h = await check();
      if (cancelled) return;
      setHealth(h);
      if (h.phase === "up") {
        if (wasDown) onBack?.();
        return;
      }
      wasDown = true;
      timer = setTimeout(() => void run(), everyMs);
    };
    void run();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [everyMs, onBack]);
  return health;
}
