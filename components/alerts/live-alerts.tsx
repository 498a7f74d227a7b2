"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { useLive } from "@/components/realtime/live-provider";

/** /alerts re-reads itself when a group changes (a burst of alerts is one refresh). */
export function LiveAlerts() {
  const { socket } = useLive();
  const router = useRouter();
  useEffect(() => {
    if (!socket) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(() => router.refresh(), 200);
    };
    socket.on("alert:changed", refresh);
    return () => {
      socket.off("alert:changed", refresh);
      clearTimeout(timer);
    };
  }, [socket, router]);
  return null;
}
