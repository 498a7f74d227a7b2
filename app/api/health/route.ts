import { NextResponse } from "next/server";
import { healthReport } from "@/lib/health";
import { DATABASE_RETRY_SECONDS } from "@/lib/db/availability";

export const dynamic = "force-dynamic";

// Public by design (load balancers call it); it reveals no data, only reachability and versions.
export async function GET() {
  const report = await healthReport();
  const headers = new Headers({ "cache-control": "no-store" });
  if (!report.database.reachable) headers.set("retry-after", String(DATABASE_RETRY_SECONDS));
  return NextResponse.json(report, { status: report.status === "ok" ? 200 : 503, headers });
}
