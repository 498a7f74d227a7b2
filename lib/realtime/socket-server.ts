import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { parse as parseCookie } from "cookie";
import { getToken } from "next-auth/jwt";
import pg from "pg";
import { createAdapter } from "@socket.io/postgres-adapter";
import type { Db } from "../db/client.ts";
import { can } from "../auth/permissions.ts";
import { resolveSession } from "../auth/sessions.ts";
import { rooms } from "./events.ts";
import { setIo, type IoServer } from "./publish.ts";
import { originAllowed } from "./origin.ts";

type Options = {
  httpServer: HttpServer;
  db: Db;
  databaseUrl: string;
  secret: string;
  allowedOrigins: string[];
  log: (line: string) => void;
};

/** Read on every connection, so a change applies at once on every instance. Unset: public. */
async function statusIsPublic(db: Db): Promise<boolean> {
  const row = await db.setting.findUnique({ where: { key: "status.public" }, select: { value: true } });
  return row?.value !== false;
}

export async function createSocketServer(opts: Options): Promise<{ io: IoServer; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 2 });
  // A LISTEN connection dropped by a database restart or shutdown must not crash the process.
  pool.on("error", (e) => opts.log(`[realtime] database connection lost: ${e.message}`));
  const io: IoServer = new Server(opts.httpServer, {
    path: "/socket.io",
    // Websocket only: no long-polling, so several instances need no sticky sessions.
    transports: ["websocket"],
    serveClient: false,
    allowRequest: (req, cb) => cb(null, originAllowed(req, opts.allowedOrigins)),
    adapter: createAdapter(pool, { errorHandler: (e) => opts.log(`[realtime] adapter: ${e.message}`) }),
  });

  type IoSocket = Parameters<Parameters<IoServer["use"]>[0]>[0];
  /**
   * The signed-in, active user behind a socket's session cookie, or null: the session it names
   * must not be revoked, and a user who must first choose a new password gets no live updates.
   */
  const userOf = async (socket: IoSocket) => {
    try {
      const cookies = parseCookie(socket.request.headers.cookie ?? "");
      const secure = Object.keys(cookies).some((k) => k.startsWith("__Secure-next-auth"));
      const token = await getToken({
        req: { cookies, headers: socket.request.headers } as never,
        secret: opts.secret,
        secureCookie: secure,
      });
      const session = await resolveSession(opts.db, token);
      if (!session || session.mustChangePassword) return null;
      return { ...session.user, sid: session.sid };
    } catch {
      return null;
    }
  };
  const authenticate = async (socket: IoSocket, next: (err?: Error) => void) => {
    const user = await userOf(socket);
    if (!user) return next(new Error("unauthenticated"));
    socket.data = { userId: user.id, role: user.role, email: user.email, sid: user.sid };
    next();
  };
  io.use((socket, next) => void authenticate(socket, next));

  io.on("connection", (socket) => {
    const { userId, role, sid } = socket.data;
    void socket.join(rooms.user(userId));
    if (sid) void socket.join(rooms.session(sid));
    if (can(role, "incident.read")) void socket.join(rooms.board);
    if (can(role, "rollback.decide")) void socket.join(rooms.approvals(role));
    socket.on("incident:watch", (key) => {
      if (typeof key !== "string" || !/^INC-\d{4}-\d{1,9}$/.test(key) || !can(role, "incident.read")) return;
      void socket.join(rooms.incident(key));
    });
    socket.on("incident:unwatch", (key) => {
      if (typeof key === "string") void socket.leave(rooms.incident(key));
    });
  });

  // The status page's read-only namespace: no sign-in, nothing but "something changed". While an
  // admin has made the status page sign-in only (Setting "status.public" = false), it refuses
  // sockets without a session; signed-in sockets are marked so a switch keeps them connected.
  const pub = io.of("/public");
  pub.use((socket, next) => {
    void (async () => {
      const user = await userOf(socket);
      if (user) socket.data = { userId: user.id, role: user.role, email: user.email, sid: user.sid };
      if (user || (await statusIsPublic(opts.db))) return next();
      next(new Error("unauthenticated"));
    })().catch(() => next(new Error("unauthenticated")));
  });
  pub.on("connection", (socket) => {
    if (socket.data?.sid) void socket.join(rooms.session(socket.data.sid));
    socket.onAny(() => socket.disconnect(true));
  });

  setIo(io);
  return {
    io,
    close: async () => {
      setIo(undefined);
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await pool.end().catch(() => {});
    },
  };
}
