import { NextResponse } from "next/server";
import { getSession } from "@/lib/auth/session";
import { readPublicStatus } from "@/lib/status/last-known";
import { DATABASE_RETRY_SECONDS } from "@/lib/db/availability";

export const dynamic = "force-dynamic";

const HEADERS = { "cache-control": "no-store", "access-control-allow-origin": "*" };

// Public by default (a setting can require sign-in); the payload holds public words only.
// Database unreachable: 503 with the last known state (only if it was public) and when it was read.
export async function GET() {
  const read = await readPublicStatus();
  if (!read.live) {
    const last = read.lastKnown?.isPublic ? read.lastKnown : null;
    return NextResponse.json(
      { error: "database unreachable: live status unavailable", ...(last ? { lastKnown: last.status, asOf: last.asOf } : {}) },
      { status: 503, headers: { ...HEADERS, "retry-after": String(DATABASE_RETRY_SECONDS) } },
    );
  }
  if (!read.isPublic && !(await getSession())) {
    return NextResponse.json({ error: "sign in to see the status page" }, { status: 401 });
  }
  return NextResponse.json(read.status, { headers: HEADERS });
}
