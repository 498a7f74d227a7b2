import type { Server } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "./events.ts";

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

// server.ts and Next's bundles are different module graphs: the io instance lives on globalThis.
const g = globalThis as unknown as { __rollcallIo?: IoServer };

export function setIo(io: IoServer | undefined) {
  g.__rollcallIo = io;
}

export function getIo(): IoServer | undefined {
  return g.__rollcallIo;
}

/** The only place that emits. Call after the transaction has committed. */
export function publish<E extends keyof ServerToClientEvents>(
  roomsToHit: string[],
  event: E,
  ...args: Parameters<ServerToClientEvents[E]>
) {
  const io = g.__rollcallIo;
  if (!io || roomsToHit.length === 0) return;
  io.to(roomsToHit).emit(event, ...args);
}

/**
 * Tells the public status-page namespace that something changed. It carries no data: the page
 * re-reads /api/status, which is public by construction.
 */
export function publishPublic() {
  const io = g.__rollcallIo;
  if (!io) return;
  io.of("/public").emit("status:changed", { at: new Date().toISOString() });
}

/** Drops every open socket of a user (deactivation), on every instance. */
export function disconnectUser(userId: string, reason: string) {
  const io = g.__rollcallIo;
  if (!io) return;
  io.to(`user:${userId}`).emit("session:ended", { reason });
  io.in(`user:${userId}`).disconnectSockets(true);
}

/** Drops the sockets of revoked sessions (sign-out, password change or reset), on every instance. */
export function disconnectSessions(sids: string[], reason: string) {
  const io = g.__rollcallIo;
  if (!io || sids.length === 0) return;
  const targets = sids.map((sid) => `session:${sid}`);
  io.to(targets).emit("session:ended", { reason });
  io.in(targets).disconnectSockets(true);
  // Signed-in status-page sockets are marked with their session: a revoked one stays anonymous-only.
  io.of("/public").in(targets).disconnectSockets(true);
}

/** Drops status-page sockets without a session (the page just became sign-in only), on every instance. */
export async function disconnectAnonymousPublic() {
  const io = g.__rollcallIo;
  if (!io) return;
  const sockets = await io.of("/public").fetchSockets();
  for (const s of sockets) if (!s.data?.userId) s.disconnect(true);
}
