import pg from "pg";

/**
 * Bulk-loads a realistic incident history with set-based SQL (insert ... select generate_series),
 * seeded so every run builds the same shape of data (ids are random UUIDs, detectedAt is relative to now()).
 *
 * Shape:
 *  - 5 services with skewed weights (api 35 %, web 25 %, payments 15 %, search 15 %, auth 10 %);
 *    35 % of incidents touch a second, different service.
 *  - severity: CRITICAL 5 %, HIGH 20 %, MEDIUM 45 %, LOW 30 %.
 *  - detectedAt uniform over the last 730 days; status depends on age: incidents of the last 14 days
 *    are 35 % active (detected/investigating/rolling_back/monitoring), older ones are resolved/closed
 *    except 0.3 % forgotten-open ones, so "active" is rare but spread over the whole history.
 *  - titles "<component> <symptom> after <cause>" from a small vocabulary; the common word
 *    "timeout" is in ~1/7 of titles, the rare word "kafka" in ~0.1 %, "zeppelin" in none.
 *  - key INC-<year>-<n>, n counting up per year in detectedAt order (unique).
 *
 * Afterwards VACUUM ANALYZE (default): the trigram GIN indexes exist before the load (the migrations
 * create them), so a bulk load leaves their rows in the GIN pending list and their metapage statistics
 * empty until a VACUUM; the planner then overprices them (and may pick a Seq Scan). A database that
 * accumulated this history over two years has been vacuumed by autovacuum many times, so the vacuumed
 * state is the realistic one. `vacuum: false` keeps the just-bulk-loaded state (ANALYZE only).
 */
export const SERVICES = [
  { name: "api", weight: 0.35, tier: "tier-1" },
  { name: "web", weight: 0.25, tier: "tier-1" },
  { name: "payments", weight: 0.15, tier: "tier-0" },
  { name: "search", weight: 0.15, tier: "tier-2" },
  { name: "auth", weight: 0.1, tier: "tier-0" },
] as const;

export const WORDS = { common: "timeout", short: "k8", rare: "kafka", missing: "zeppelin" } as const;

const COMPONENTS = ["Checkout", "Login", "Search results", "API gateway", "Payment provider", "Job queue", "Session cache", "Primary database", "CDN edge", "Webhook delivery", "Image resizer", "Notification service"];
const SYMPTOMS = ["latency spike", "timeout errors", "elevated 5xx rate", "degraded throughput", "partial outage", "memory leak", "connection pool exhaustion"];
const CAUSES = ["deploy", "config change", "feature flag flip", "schema migration", "traffic surge", "certificate expiry", "dependency upgrade", "node failure"];
const SUMMARY_BITS = [
  "Alerts fired from the SLO burn-rate monitor.",
  "Customers reported failures through support.",
  "Synthetic checks failed from two regions.",
  "Error budget for the week was exhausted.",
  "Rollback to the last known good version was considered.",
  "Dashboards showed p99 latency well above target.",
];

const sqlArray = (xs: readonly string[]) => `array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(",")}]::text[]`;

export type SeedResult = { incidents: number; incidentServices: number; serviceIds: Record<string, string>; ms: number; vacuumed: boolean };

export async function seed(url: string, count: number, opts: { vacuum?: boolean } = {}): Promise<SeedResult> {
  const vacuum = opts.vacuum ?? true;
  const t0 = performance.now();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("begin");
    await c.query("select setseed(0.4242)");

    for (const s of SERVICES) {
      await c.query(
        `insert into "Service" (id, name, tier, "rtoMinutes", "rpoMinutes", "ownerTeam", "currentVersion", "lastKnownGoodVersion", "updatedAt")
         values (gen_random_uuid(), $1, $2, 30, 5, $3, 'v2.4.1', 'v2.4.0', now())`,
        [s.name, s.tier, `team-${s.name}`],
      );
    }
    const svc = await c.query<{ id: string; name: string }>(`select id, name from "Service"`);
    const serviceIds = Object.fromEntries(svc.rows.map((r) => [r.name, r.id]));
    const idsInOrder = SERVICES.map((s) => serviceIds[s.name]!);

    await c.query(
      `insert into "User" (id, email, name, role, "updatedAt")
       select gen_random_uuid(), 'oncall' || g || '@bench.test', 'On-call ' || g, 'oncall', now()
       from generate_series(1, 20) g`,
    );
    const users = await c.query<{ id: string }>(`select id from "User" order by email`);
    const userArr = `array[${users.rows.map((u) => `'${u.id}'::uuid`).join(",")}]`;

    // Cumulative weights for the primary service.
    let acc = 0;
    const cuts = SERVICES.map((s) => (acc += s.weight));
    const primaryCase = `case ${cuts.slice(0, -1).map((c, i) => `when r_svc < ${c} then ${i}`).join(" ")} else ${cuts.length - 1} end`;

    await c.query(`
      create temp table gen on commit drop as
      with b as (
        select g,
               now() - random() * interval '730 days' as at,
               random() as r_sev, random() as r_status, random() as r_svc, random() as r_svc2,
               random() as r_rare, random() as r_resolve,
               1 + floor(random() * ${COMPONENTS.length})::int as comp,
               1 + floor(random() * ${SYMPTOMS.length})::int as sym,
               1 + floor(random() * ${CAUSES.length})::int as cause,
               1 + floor(random() * ${SUMMARY_BITS.length})::int as s1,
               1 + floor(random() * ${SUMMARY_BITS.length})::int as s2,
               1 + floor(random() * 20)::int as commander
        from generate_series(1, ${count}) g
      )
      select gen_random_uuid() as id, b.*,
             ${primaryCase} as svc1,
             case when r_svc2 < 0.35 then (${primaryCase} + 1 + floor(r_svc2 / 0.35 * 4)::int) % 5 end as svc2,
             date_trunc('milliseconds', at) as detected
      from b`);

    const ins = await c.query(`
      insert into "Incident" (id, key, title, summary, severity, status, version, trigger, "commanderId",
                              "detectedAt", "acknowledgedAt", "resolvedAt", "closedAt", "createdAt", "updatedAt")
      select id,
             'INC-' || extract(year from detected)::int || '-' ||
               row_number() over (partition by extract(year from detected) order by detected, id),
             case when r_rare < 0.001 then 'Kafka consumer lag on ' || lower((${sqlArray(COMPONENTS)})[comp])
                  else (${sqlArray(COMPONENTS)})[comp] || ' ' || (${sqlArray(SYMPTOMS)})[sym] || ' after ' || (${sqlArray(CAUSES)})[cause]
             end,
             (${sqlArray(SUMMARY_BITS)})[s1] || ' ' || (${sqlArray(SUMMARY_BITS)})[s2],
             (case when r_sev < 0.05 then 'CRITICAL' when r_sev < 0.25 then 'HIGH' when r_sev < 0.70 then 'MEDIUM' else 'LOW' end)::"Severity",
             st::"IncidentStatus",
             0,
             (${sqlArray(CAUSES)})[cause],
             case when r_resolve < 0.9 then (${userArr})[commander] end,
             detected,
             detected + interval '4 minutes',
             case when st in ('resolved', 'closed') then detected + r_resolve * interval '6 hours' end,
             case when st = 'closed' then detected + interval '3 days' end,
             detected,
             detected + interval '3 days'
      from (
        select gen.*,
               case when now() - detected < interval '14 days' then
                      case when r_status < 0.05 then 'detected' when r_status < 0.15 then 'investigating'
                           when r_status < 0.20 then 'rolling_back' when r_status < 0.35 then 'monitoring'
                           when r_status < 0.70 then 'resolved' else 'closed' end
                    else
                      case when r_status < 0.003 then 'investigating' when r_status < 0.10 then 'resolved' else 'closed' end
               end as st
        from gen
      ) s`);

    const svcArr = `array[${idsInOrder.map((id) => `'${id}'::uuid`).join(",")}]`;
    const links = await c.query(`
      insert into "IncidentService" ("incidentId", "serviceId")
      select id, (${svcArr})[svc1 + 1] from gen
      union all
      select id, (${svcArr})[svc2 + 1] from gen where svc2 is not null`);

    await c.query(`
      insert into "IncidentCounter" (year, last)
      select extract(year from "detectedAt")::int, count(*) from "Incident" group by 1`);
    await c.query("commit");
    const maintain = vacuum ? "vacuum analyze" : "analyze";
    // One statement per query: VACUUM cannot run in the implicit transaction of a multi-statement query.
    for (const t of ["Incident", "IncidentService", "Service", "User"]) await c.query(`${maintain} "${t}"`);
    return { incidents: ins.rowCount ?? 0, incidentServices: links.rowCount ?? 0, serviceIds, ms: performance.now() - t0, vacuumed: vacuum };
  } catch (err) {
    await c.query("rollback").catch(() => {});
    throw err;
  } finally {
    await c.end();
  }
}
