import { db } from "../db/client.ts";

/** What /account shows about the signed-in person; whether they have a password, never the hash. */
export async function accountOf(userId: string) {
  const u = await db().user.findUnique({
    where: { id: userId },
    select: { email: true, name: true, role: true, passwordHash: true, passwordChangedAt: true, createdAt: true },
  });
  if (!u) return null;
  const { passwordHash, ...rest } = u;
  return { ...rest, hasPassword: Boolean(passwordHash) };
}
