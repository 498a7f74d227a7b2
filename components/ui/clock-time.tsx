"use client";
import { useSyncExternalStore } from "react";

const noop = () => () => {};

/** "14:05" today (or "3 Dec, 14:05") in the viewer's zone; UTC until the browser renders it. */
export function ClockTime({ iso }: { iso: string }) {
  const local = useSyncExternalStore(noop, () => true, () => false);
  const d = new Date(iso);
  let text = `${iso.slice(11, 16)} UTC`;
  if (local) {
    const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    text = d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString([], { day: "numeric", month: "short" })}, ${time}`;
  }
  return (
    <time dateTime={iso} title={local ? d.toLocaleString() : undefined} suppressHydrationWarning>
      {text}
    </time>
  );
}
