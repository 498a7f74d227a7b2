import { encode } from "next-auth/jwt";
import type { Db } from "../lib/db/client.ts";
import { startSession } from "../lib/auth/sessions.ts";

/** A session cookie as next-auth writes it after a sign-in: the JWT names a recorded session. */
export async function sessionCookieFor(db: Db, user: { id: string; email: string }, secret: string, method = "credentials"): Promise<string> {
  const session = await startSession(db, { userId: user.id, method });
  return `next-auth.session-token=${await encode({ token: { uid: user.id, email: user.email, sid: session.id }, secret })}`;
}
