"use client";
import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { io } from "socket.io-client";

/** Listens on the public namespace (no sign-in) and re-reads the page when anything changes. */
export function PublicLive() {
  const router = useRouter();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const s = io("/public", { path: "/socket.io", transports: ["websocket"] });
    s.on("connect", () => {
      setLive(true);
      router.refresh();
    });
    s.on("disconnect", () => setLive(false));
    s.on("status:changed", () => router.refresh());
    return () => {
      s.disconnect();
    };
  }, [router]);
  return (
    <span data-testid="public-live" data-status={live ? "live" : "offline"} className="text-xs text-slate-500">
      {live ? "● Live" : "○ Reconnecting"}
    </span>
  );
}
