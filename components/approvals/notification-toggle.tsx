"use client";
import { useSyncExternalStore } from "react";
import { Button } from "@/components/ui/button";

const subscribe = (cb: () => void) => {
  const t = setInterval(cb, 2000);
  return () => clearInterval(t);
};
const read = () => (typeof Notification === "undefined" ? "unsupported" : Notification.permission);

export function NotificationToggle() {
  const permission = useSyncExternalStore(subscribe, read, () => "default");
  if (permission === "unsupported") return null;
  if (permission === "granted") return <span className="text-sm text-slate-600 dark:text-slate-400">Browser notifications on</span>;
  if (permission === "denied") return <span className="text-sm text-slate-600 dark:text-slate-400">Notifications blocked in this browser</span>;
  return (
    <Button variant="secondary" onClick={() => void Notification.requestPermission()}>
      Notify me of new requests
    </Button>
  );
}
