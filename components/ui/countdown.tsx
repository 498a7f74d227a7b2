"use client";
import { useSyncExternalStore } from "react";

const subscribe = (cb: () => void) => {
  const t = setInterval(cb, 1000);
  return () => clearInterval(t);
};
const secondTick = () => Math.floor(Date.now() / 1000);
const serverTick = () => null;

function mmss(totalSeconds: number) {
  const s = Math.abs(totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h ? `${h}:${String(m).padStart(2, "0")}` : m}:${String(sec).padStart(2, "0")}`;
}

/** Time left to a deadline; turns red and counts up once it has passed. */
export function Countdown({ deadline, label, met }: { deadline: string; label: string; met?: boolean }) {
  const tick = useSyncExternalStore(subscribe, secondTick, serverTick);
  const left = tick === null ? null : Math.round((new Date(deadline).getTime() - tick * 1000) / 1000);
  if (met) {
    return <span className="rounded bg-emerald-100 px-2 py-1 text-sm font-semibold text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">{label}: met</span>;
  }
  const overdue = left !== null && left < 0;
  return (
    <span
      role="timer"
      aria-live="off"
      data-overdue={overdue ? "true" : "false"}
      title={new Date(deadline).toLocaleString()}
      className={`inline-flex items-center gap-2 rounded px-2 py-1 font-mono text-sm font-bold ${overdue ? "bg-red-700 text-white dark:bg-red-600" : "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100"}`}
    >
      <span className="font-sans font-semibold">{overdue ? `${label} OVERDUE by` : `${label} in`}</span>
      {left === null ? "…" : mmss(left)}
    </span>
  );
}
