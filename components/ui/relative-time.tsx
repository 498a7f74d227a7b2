"use client";
import { useSyncExternalStore } from "react";

export function formatRelative(from: Date, now: Date): string {
  const s = Math.round((now.getTime() - from.getTime()) / 1000);
  const abs = Math.abs(s);
  const suffix = s >= 0 ? "ago" : "from now";
  if (abs < 45) return s >= 0 ? "just now" : "in a moment";
  // Round the whole once, so 3 h 59 min 45 s reads "4 h", never "3 h 60 min".
  const minutes = Math.round(abs / 60);
  if (minutes < 60) return `${minutes} min ${suffix}`;
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return `${h} h${m ? ` ${m} min` : ""} ${suffix}`;
  }
  return `${Math.round(abs / 86_400)} d ${suffix}`;
}

// A shared 15-second clock: every RelativeTime on the page re-renders on the same tick.
const TICK = 15_000;
const subscribe = (cb: () => void) => {
  const t = setInterval(cb, TICK);
  return () => clearInterval(t);
};
const clientTick = () => Math.floor(Date.now() / TICK);
const serverTick = () => null;

/** "4 min ago", with the absolute time in the viewer's zone on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const tick = useSyncExternalStore(subscribe, clientTick, serverTick);
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={tick === null ? undefined : date.toLocaleString()} suppressHydrationWarning>
      {tick === null ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : formatRelative(date, new Date())}
    </time>
  );
}
