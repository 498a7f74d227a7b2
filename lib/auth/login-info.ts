import { z } from "zod";
import { db } from "../db/client.ts";
import { env } from "../env.ts";

const ZDemo = z.object({ password: z.string(), users: z.array(z.object({ email: z.string(), role: z.string() })) });

/** The demo sign-in hint, present only when the demo data was seeded. */
export async function demoHint() {
  const row = await db().setting.findUnique({ where: { key: "demo" }, select: { value: true } });
  const parsed = ZDemo.safeParse(row?.value);
  return parsed.success ? parsed.data : null;
}

export function ssoEnabled(): boolean {
  const e = env();
  return Boolean(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET);
}
