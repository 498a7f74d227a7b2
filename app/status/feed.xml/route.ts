import { RESOLVED_WITHOUT_UPDATE, unpostedResolution } from "@/lib/status/queries";
import { readPublicStatus } from "@/lib/status/last-known";
import { DATABASE_RETRY_SECONDS } from "@/lib/db/availability";
import { getSession } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** An Atom feed of public updates, newest first, for feed readers and other tools. */
export async function GET() {
  const read = await readPublicStatus();
  // A feed cannot carry a "this is old" notice: readers are told to come back instead.
  if (!read.live) return new Response("database unreachable: live status unavailable", { status: 503, headers: { "retry-after": String(DATABASE_RETRY_SECONDS), "cache-control": "no-store" } });
  if (!read.isPublic && !(await getSession())) return new Response("sign in to see the status page", { status: 401 });
  const s = read.status;
  const base = env().NEXTAUTH_URL ?? "http://localhost";
  const entries = s.incidents
    .flatMap((i) => {
      // Resolved without a resolution update: the feed's last word is the resolution, not the stale update.
      const unposted = unpostedResolution(i);
      const updates = unposted ? [{ status: "resolved", body: RESOLVED_WITHOUT_UPDATE, at: unposted.at }, ...i.updates] : i.updates;
      return updates.map((u) => ({ i, u }));
    })
    .sort((a, b) => b.u.at.localeCompare(a.u.at))
    .slice(0, 50)
    .map(
      ({ i, u }) => `  <entry>
    <id>urn:rollcall:update:${esc(i.id)}:${esc(u.at)}</id>
    <title>${esc(`${i.title}: ${u.status}`)}</title>
    <updated>${esc(u.at)}</updated>
    <link href="${esc(`${base}/status#incident-${i.id}`)}"/>
    <content type="text">${esc(u.body)}</content>
  </entry>`,
    )
    .join("\n");
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:rollcall:status</id>
  <title>Service status</title>
  <updated>${esc(s.updatedAt)}</updated>
  <link rel="self" href="${esc(`${base}/status/feed.xml`)}"/>
${entries}
</feed>
`;
  return new Response(xml, { headers: { "content-type": "application/atom+xml; charset=utf-8", "cache-control": "no-store" } });
}
