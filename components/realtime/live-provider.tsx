"use client";
import { createContext, useContext, useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, IncidentChanged, ServerToClientEvents } from "@/lib/realtime/events";

type Status = "connecting" | "live" | "offline";
type LiveContext = { status: Status; socket: Socket<ServerToClientEvents, ClientToServerEvents> | null; last: IncidentChanged | null };

const Ctx = createContext<LiveContext>({ status: "connecting", socket: null, last: null });

/**
 * One socket per tab. The server-rendered page is the first state; any change event or a
 * reconnect re-reads the page (router.refresh) instead of patching state from missed events.
 */
export function LiveProvider({ children }: { children: React.ReactNode }) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>("connecting");
  const [last, setLast] = useState<IncidentChanged | null>(null);
  const [socket, setSocket] = useState<LiveContext["socket"]>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io({ path: "/socket.io", transports: ["websocket"], withCredentials: true });
    const refresh = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => router.refresh(), 100);
    };
    let connectedOnce = false;
    s.on("connect", () => {
      setStatus("live");
      if (connectedOnce) refresh();
      connectedOnce = true;
    });
    s.on("disconnect", () => setStatus("offline"));
    s.on("connect_error", () => setStatus("offline"));
    s.on("incident:changed", (e) => {
      setLast(e);
      refresh();
    });
    s.on("service:changed", refresh);
    // The layout shows due updates from the server; the event re-reads it and rings once.
    s.on("update:due", (e) => {
      refresh();
      if (typeof Notification !== "undefined" && Notification.permission === "granted") {
        new Notification(`Stakeholder update due: ${e.incidentKey}`, { body: `${e.severity} · ${e.title}`, tag: `update-due-${e.incidentKey}-${e.due}` });
      }
    });
    s.on("run:changed", refresh);
    // Every alert of an incident resolved: its commander is told (the incident stays open).
    s.on("alerts:resolved", (e) => {
      refresh();
      if (typeof Notification !== "undefined" && Notification.permission === "granted") {
        new Notification(`Alerts resolved: ${e.incidentKey}`, { body: `${e.title}: every alert has resolved. Resolve the incident when you are sure.`, tag: `alerts-resolved-${e.incidentKey}` });
      }
    });
    s.on("approval:changed", (e) => {
      refresh();
      // A new request for someone who may decide it: a browser notification if they allowed it.
      if (e.kind === "requested" || e.kind === "escalated") {
        if (typeof Notification !== "undefined" && Notification.permission === "granted") {
          new Notification(`Rollback approval needed: ${e.incidentKey}`, { body: `${e.severity} · ${e.incidentTitle} · requested by ${e.by}`, tag: e.requestId });
        }
      }
    });
    s.on("session:ended", () => {
      s.disconnect();
      router.replace("/login?error=SessionRequired");
    });
    // The socket is an external handle created once per mount; children need it to join rooms.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSocket(s);
    return () => {
      s.disconnect();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [router]);

  return <Ctx.Provider value={{ status, socket, last }}>{children}</Ctx.Provider>;
}

export function useLive() {
  return useContext(Ctx);
}

/** Joins the incident's room while its page is open (notes and edits that do not reach the board). */
export function WatchIncident({ incidentKey }: { incidentKey: string }) {
  const { socket, status } = useLive();
  const router = useRouter();
  useEffect(() => {
    if (!socket || status !== "live") return;
    socket.emit("incident:watch", incidentKey);
    // A change between this page's server render and joining the room reached nobody (a run step
    // that finished meanwhile would show as running until the next event): re-read once now.
    router.refresh();
    return () => {
      socket.emit("incident:unwatch", incidentKey);
    };
  }, [socket, status, incidentKey, router]);
  return null;
}

export function LiveStatus() {
  const { status, last } = useLive();
  const label = status === "live" ? "Live" : status === "connecting" ? "Connecting…" : "Offline — reconnecting";
  return (
    <div className="flex items-center gap-3 text-xs">
      <span
        data-testid="live-status"
        data-status={status}
        className={`inline-flex items-center gap-1.5 rounded-full px-2 py-1 font-semibold ${status === "live" ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-300" : "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300"}`}
      >
        <span aria-hidden className={`h-2 w-2 rounded-full ${status === "live" ? "bg-emerald-500" : "bg-amber-500"}`} />
        {label}
      </span>
      <span aria-live="polite" className="sr-only">
        {last ? `${last.key} ${last.kind === "created" ? "declared" : "updated"} by ${last.by}` : ""}
      </span>
    </div>
  );
}
