"use client";
import { useSyncExternalStore } from "react";
import { CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from "recharts";
import type { Band, MetricChart } from "@/lib/metric-charts/series";

const noop = () => () => {};

function fmtValue(v: number, unit: string): string {
  const rounded = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${rounded}${unit}`;
}

/** Times in the viewer's zone once in the browser; UTC on the server (no hydration mismatch). */
function useTimeFormat() {
  const local = useSyncExternalStore(noop, () => true, () => false);
  return (ms: number, o: { date?: boolean; seconds?: boolean } = {}) => {
    const d = new Date(ms);
    if (!local) return `${d.toISOString().slice(o.date ? 5 : 11, o.seconds ? 19 : 16).replace("T", " ")} UTC`;
    const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", ...(o.seconds ? { second: "2-digit" } : {}) });
    return o.date ? `${d.toLocaleDateString([], { day: "numeric", month: "short" })}, ${time}` : time;
  };
}

/** 1, 2, 2.5 or 5 times a power of ten, at least v: a top of the value axis people can read. */
function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= v)!;
}

function bandArea(b: Band, top: number, bottom: number) {
  return { y1: b.from ?? bottom, y2: b.to ?? top };
}

function summary(c: MetricChart): string {
  const last = c.alertReadings.at(-1);
  const latestProm = c.prometheus.at(-1);
  const parts: string[] = [];
  if (last) parts.push(`read ${fmtValue(last.value, c.unit)} by the last automatic decision (${last.outcome})`);
  if (latestProm) parts.push(`Prometheus now ${fmtValue(latestProm.value, c.unit)}`);
  parts.push(`warning ${c.warning.text}, critical ${c.critical.text}`);
  return parts.join("; ");
}

export function MetricChartView({ chart }: { chart: MetricChart }) {
  const fmt = useTimeFormat();
  const values = [...chart.alertReadings.map((p) => p.value), ...chart.prometheus.map((p) => p.value)];
  const edges = [chart.warning.from, chart.warning.to, chart.critical.from, chart.critical.to].filter((v): v is number => v !== null);
  const top = niceCeil(Math.max(...values, ...edges) * 1.1);
  const bottom = Math.min(0, ...values);
  const times = [...chart.alertReadings.map((p) => p.at), ...chart.prometheus.map((p) => p.at)];
  const [start, end] = [Math.min(...times), Math.max(...times)];
  const pad = Math.max(60_000, (end - start) * 0.05);
  const [from, to] = [start - pad, end + pad];
  // Five evenly spaced times; with seconds when the whole span is short.
  const seconds = to - from < 15 * 60_000;
  const ticks = Array.from({ length: 5 }, (_, i) => Math.round(from + ((to - from) * i) / 4));
  const rows = [...chart.prometheus.map((p) => ({ ...p, source: "Prometheus" })), ...chart.alertReadings.map((p) => ({ at: p.at, value: p.value, source: `Alert, decision: ${p.outcome}` }))].sort((a, b) => a.at - b.at);
  const id = `metric-${chart.metric}`;

  return (
    <figure className="space-y-2" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="text-sm">
        <span className="font-medium">{chart.label}</span> <span className="text-slate-600 dark:text-slate-300">— {summary(chart)}</span>
      </figcaption>
      {/* The picture is for eyes; the same numbers are in the table below. */}
      <div aria-hidden="true" className="h-56 w-full text-slate-600 sm:h-64 dark:text-slate-300">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.2} />
            <XAxis dataKey="at" type="number" scale="time" domain={[from, to]} ticks={ticks} interval="preserveStartEnd" tickFormatter={(v: number) => fmt(v, { seconds })} tick={{ fill: "currentColor", fontSize: 12 }} stroke="currentColor" minTickGap={24} />
            <YAxis type="number" domain={[bottom, top]} width={48} tickFormatter={(v: number) => fmtValue(v, "")} tick={{ fill: "currentColor", fontSize: 12 }} stroke="currentColor" allowDataOverflow />
            <ReferenceArea {...bandArea(chart.warning, top, bottom)} fill="#f59e0b" fillOpacity={0.18} stroke="none" ifOverflow="hidden" />
            <ReferenceArea {...bandArea(chart.critical, top, bottom)} fill="#ef4444" fillOpacity={0.18} stroke="none" ifOverflow="hidden" />
            {chart.critical.from !== null && <ReferenceLine y={chart.critical.from} stroke="#dc2626" strokeDasharray="4 4" />}
            <Tooltip
              labelFormatter={(v) => fmt(Number(v), { date: true, seconds: true })}
              formatter={(v) => fmtValue(Number(v), chart.unit)}
              contentStyle={{ color: "#0f172a", borderRadius: 6 }}
            />
            {chart.prometheus.length > 0 && (
              <Line data={chart.prometheus} dataKey="value" name="Prometheus" type="monotone" dot={false} stroke="currentColor" strokeWidth={2} isAnimationActive={false} className="text-sky-700 dark:text-sky-300" />
            )}
            <Scatter data={chart.alertReadings} dataKey="value" name="Alert reading" fill="currentColor" className="text-slate-900 dark:text-white" isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-300">
        {chart.prometheus.length > 0 && (
          <li className="flex items-center gap-1">
            <span aria-hidden="true" className="inline-block h-0.5 w-4 bg-sky-700 dark:bg-sky-300" /> Prometheus
          </li>
        )}
        <li className="flex items-center gap-1">
          <span aria-hidden="true" className="inline-block size-2 rounded-full bg-slate-900 dark:bg-white" /> Reading of an automatic decision
        </li>
        <li className="flex items-center gap-1">
          <span aria-hidden="true" className="inline-block size-3 bg-amber-500/30" /> Warning {chart.warning.text}
        </li>
        <li className="flex items-center gap-1">
          <span aria-hidden="true" className="inline-block size-3 bg-red-500/30" /> Critical {chart.critical.text}
        </li>
      </ul>
      {chart.prometheusNote && <p className="text-xs text-slate-600 dark:text-slate-300">{chart.prometheusNote}</p>}
      <details className="text-sm">
        <summary className="cursor-pointer">{chart.label}: the readings as a table ({rows.length})</summary>
        <div className="mt-2 max-h-72 overflow-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">
              {chart.label} over time{chart.query ? `, Prometheus query ${chart.query}` : ""}; warning {chart.warning.text}, critical {chart.critical.text}
            </caption>
            <thead>
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">Time</th>
                <th scope="col" className="py-1 pr-3 font-medium">{chart.label}</th>
                <th scope="col" className="py-1 font-medium">Source</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i} className="border-t border-slate-200 dark:border-slate-800">
                  <td className="py-1 pr-3 whitespace-nowrap">
                    <time dateTime={new Date(r.at).toISOString()} suppressHydrationWarning>
                      {fmt(r.at, { date: true, seconds: true })}
                    </time>
                  </td>
                  <td className="py-1 pr-3 tabular-nums">{fmtValue(r.value, chart.unit)}</td>
                  <td className="py-1">{r.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

export function MetricCharts({ charts }: { charts: MetricChart[] }) {
  return (
    <div className="space-y-6">
      {charts.map((c) => (
        <MetricChartView key={c.metric} chart={c} />
      ))}
    </div>
  );
}
