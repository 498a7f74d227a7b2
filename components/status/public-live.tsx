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
    // Dropped by the server or refused: the page may have become sign-in only, and re-reading it
    // then sends a signed-out visitor to the login page.
    s.on("disconnect", (reason) => {
      setLive(false);
      if (reason === "io server disconnect") router.refresh();
    });
    s.on("connect_error", () => {
      if (!s.active) router.refresh();
    });
    s.on("status:changed", () => router.refresh());
    return () => {
      s.disconnect();
    };
  }, [router]);
  return (
    <span data-testid="public-live" data-status={live ? "live" : "offline"} className="text-xs text-slate-600 dark:text-slate-400">
      {live ? "● Live" : "○ Reconnecting"}
    </span>
  );
}
