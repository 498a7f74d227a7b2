import { redirect } from "next/navigation";
import { RESOLVED_WITHOUT_UPDATE, unpostedResolution } from "@/lib/status/queries";
import { readPublicStatus } from "@/lib/status/last-known";
import { DATABASE_RETRY_SECONDS } from "@/lib/db/availability";
import { DatabaseDownPage } from "@/components/system/database-down-page";
import { DatabaseRetry } from "@/components/system/database-retry";
import { getSession } from "@/lib/auth/session";
import { STATE_LABELS } from "@/lib/status/schemas";
import { PublicLive } from "@/components/status/public-live";
import { RelativeTime } from "@/components/ui/relative-time";

export const dynamic = "force-dynamic";
export const metadata = { title: "Status" };
// Without JavaScript, a stale page reloads itself this often (with it, it re-reads once the database answers).
const STALE_REFRESH_SECONDS = 30;

const DOT: Record<string, string> = {
  operational: "bg-emerald-500",
  maintenance: "bg-sky-500",
  degraded: "bg-amber-400",
  partial_outage: "bg-orange-500",
  major_outage: "bg-red-600",
};
const BANNER: Record<string, string> = {
  operational: "bg-emerald-700 text-white",
  maintenance: "bg-sky-700 text-white",
  degraded: "bg-amber-400 text-black",
  partial_outage: "bg-orange-700 text-white",
  major_outage: "bg-red-700 text-white",
};
const OVERALL: Record<string, string> = {
  operational: "All systems operational",
  maintenance: "Scheduled maintenance",
  degraded: "Some systems degraded",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
};

export default async function StatusPage() {
  const read = await readPublicStatus();
  // Database unreachable: the last known state, said to be one; none kept (or the page was sign-in
  // only, which cannot be checked now): a page that says so and retries.
  if (!read.live && !read.lastKnown?.isPublic) return <DatabaseDownPage heading="Live status unavailable, retrying" statusPageLink={false} />;
  // Sign-in only (an admin setting): signed-out visitors go to the login page and come back here.
  if (read.live && !read.isPublic && !(await getSession())) redirect("/login?callbackUrl=%2Fstatus");
  const s = read.live ? read.status : read.lastKnown!.status;
  const asOf = read.live ? null : read.lastKnown!.asOf;
  const active = s.incidents.filter((i) => !i.resolved);
  const past = s.incidents.filter((i) => i.resolved);
  return (
    <main className="mx-auto max-w-3xl space-y-6 px-4 py-8">
      <header className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">Service status</h1>
        <div className="flex items-center gap-3">
          <PublicLive />
          <a href="/status/feed.xml" className="text-xs underline">Atom feed</a>
        </div>
      </header>
      {asOf && (
        <section aria-label="Live status unavailable" data-testid="status-stale" className="space-y-1 rounded-lg border-2 border-amber-500 bg-amber-50 px-4 py-3 text-sm dark:bg-amber-950/40">
          <meta httpEquiv="refresh" content={String(STALE_REFRESH_SECONDS)} />
          <p className="font-semibold">
            Live status unavailable; showing the state as of {asOf.slice(0, 16).replace("T", " ")} UTC (<RelativeTime iso={asOf} />).
          </p>
          <DatabaseRetry everyMs={DATABASE_RETRY_SECONDS * 1000} />
        </section>
      )}
      <p className={`rounded-lg px-4 py-3 text-lg font-semibold ${BANNER[s.overall]}`} data-testid="overall">{OVERALL[s.overall]}</p>

      {active.length > 0 && (
        <section aria-labelledby="active-h" className="space-y-3">
          <h2 id="active-h" className="text-lg font-semibold">Current incidents</h2>
          {active.map((i) => (
            <article key={i.id} id={`incident-${i.id}`} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
              <h3 className="font-semibold break-words">{i.title}</h3>
              <p className="text-xs text-slate-600 dark:text-slate-400">
                Affects {i.services.join(", ")} · since <RelativeTime iso={i.startedAt} />
              </p>
              {i.progress === "waiting" ? (
                <p className="mt-2 text-xs text-slate-600 dark:text-slate-400" data-testid="progress-waiting">
                  Recovery paused: waiting for our team to continue.
                </p>
              ) : (
                i.progress !== null && (
                  <div className="mt-2">
                    <div className="h-2 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-800" role="progressbar" aria-label="Recovery progress" aria-valuenow={i.progress} aria-valuemin={0} aria-valuemax={100}>
                      <div className="h-full bg-emerald-600" style={{ width: `${i.progress}%` }} />
                    </div>
                    <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Recovery {i.progress}% complete</p>
                  </div>
                )
              )}
              <ol className="mt-3 space-y-2" aria-label="Updates">
                {i.updates.map((u, n) => (
                  <li key={n} className="text-sm">
                    <span className="font-semibold capitalize">{u.status}</span> · <RelativeTime iso={u.at} />
                    <p className="whitespace-pre-wrap break-words">{u.body}</p>
                  </li>
                ))}
              </ol>
            </article>
          ))}
        </section>
      )}

      <section aria-labelledby="services-h" className="space-y-2">
        <h2 id="services-h" className="text-lg font-semibold">Services</h2>
        {s.services.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="status-no-services">
            No services are listed yet. When they are, their current state and the last 90 days appear here.
          </p>
        ) : (
          <>
            <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
              {s.services.map((svc) => (
                <li key={svc.name} className="space-y-2 p-3">
                  <div className="flex items-center justify-between gap-2">
                    <span className="font-medium">{svc.name}</span>
                    <span className="flex items-center gap-2 text-sm">
                      <span aria-hidden className={`h-2.5 w-2.5 rounded-full ${DOT[svc.state]}`} />
                      {STATE_LABELS[svc.state]}
                    </span>
                  </div>
                  <div className="flex h-6 gap-px" aria-label={`${svc.name}: last 90 days`} role="img">
                    {svc.history.map((d) => (
                      <span key={d.day} title={`${d.day}: ${STATE_LABELS[d.worst]}`} className={`flex-1 rounded-sm ${DOT[d.worst]}`} />
                    ))}
                  </div>
                </li>
              ))}
            </ul>
            <p className="text-xs text-slate-600 dark:text-slate-400">Bars: the worst state of each of the last 90 days.</p>
          </>
        )}
      </section>

      {past.length > 0 && (
        <section aria-labelledby="past-h" className="space-y-2">
          <h2 id="past-h" className="text-lg font-semibold">Resolved this week</h2>
          {past.map((i) => {
            const unposted = unpostedResolution(i);
            const at = i.resolvedAt ?? i.updates[0]?.at;
            return (
              <article key={i.id} id={`incident-${i.id}`} className="rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800">
                <h3 className="font-medium">{i.title}</h3>
                <p className="text-xs text-slate-600 dark:text-slate-400">
                  <span className="font-semibold">Resolved</span>
                  {at && (
                    <>
                      {" "}
                      · <RelativeTime iso={at} />
                    </>
                  )}
                </p>
                <p className="whitespace-pre-wrap text-slate-600 dark:text-slate-400">{unposted ? RESOLVED_WITHOUT_UPDATE : i.updates[0]?.body}</p>
              </article>
            );
          })}
        </section>
      )}
    </main>
  );
}
