import { NextResponse } from "next/server";
import { publicStatus, statusPageIsPublic } from "@/lib/status/queries";
import { getSession } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

// Public by default (a setting can require sign-in); the payload holds public words only.
export async function GET() {
  if (!(await statusPageIsPublic()) && !(await getSession())) {
    return NextResponse.json({ error: "sign in to see the status page" }, { status: 401 });
  }
  return NextResponse.json(await publicStatus(), { headers: { "cache-control": "no-store", "access-control-allow-origin": "*" } });
}
