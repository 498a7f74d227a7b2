import type { Ctx } from "../auth/actor.ts";
import { AppError, isAppError } from "../errors.ts";
import type { AlertMapping } from "./mapping.ts";

// The /admin/integrations form writes the mapping as text a person can type: one alias per line
// ("label value = Service name") and one metric reading per line ("metric from name [scale]").
// Errors on a mapping's array items come back as "Line N: ..." under the text box.

type Values = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");
const lines = (v: unknown) => str(v).split(/\r?\n/).map((l) => l.trim());

export function metricsToText(m: AlertMapping["metrics"]): string {
  return m.map((x) => `${x.metric} ${x.from} ${x.name}${x.scale !== 1 ? ` ${x.scale}` : ""}`).join("\n");
}

export function aliasesToText(a: AlertMapping["serviceAliases"]): string {
  return Object.entries(a).map(([k, v]) => `${k} = ${v}`).join("\n");
}

/** The verb's input from the form's values; malformed lines are refused here, by line. */
export function integrationInput(values: Values): Values {
  const errors: Record<string, string[]> = {};
  const metrics: unknown[] = [];
  lines(values.metrics).forEach((line, i) => {
    if (!line) return;
    const parts = line.split(/\s+/);
    if (parts.length < 3 || parts.length > 4) {
      (errors.metrics ??= []).push(`Line ${i + 1}: write the policy metric, where to read it (label, annotation or value), its name and an optional scale, like “error_rate_pct annotation error_rate 100”.`);
      return;
    }
    const [metric, from, name, scale] = parts;
    metrics.push({ metric, from, name, ...(scale !== undefined ? { scale: Number(scale) } : {}) });
  });
  const serviceAliases: Record<string, string> = {};
  lines(values.serviceAliases).forEach((line, i) => {
    if (!line) return;
    const at = line.indexOf("=");
    if (at <= 0 || !line.slice(at + 1).trim()) {
      (errors.serviceAliases ??= []).push(`Line ${i + 1}: write “label value = Service name”.`);
      return;
    }
    serviceAliases[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  if (Object.keys(errors).length) throw new AppError("VALIDATION", "Please correct the highlighted fields.", errors);
  const triggerFrom = str(values.triggerFrom);
  return {
    ...values,
    mapping: {
      serviceLabel: str(values.serviceLabel).trim() || "service",
      serviceAliases,
      trigger: triggerFrom === "label" || triggerFrom === "annotation" ? { from: triggerFrom, name: str(values.triggerName) } : null,
      metrics,
    },
  };
}

/** "mapping.metrics.2.metric" → the metrics box, "Line 3: ..."; other mapping fields to their inputs. */
export function formFieldErrors(fieldErrors: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(fieldErrors)) {
    const m = /^mapping\.(metrics|serviceAliases)\.(\d+|[^.]+)/.exec(key);
    if (m) {
      const line = /^\d+$/.test(m[2]!) ? `Line ${Number(m[2]) + 1}: ` : "";
      (out[m[1]!] ??= []).push(...messages.map((x) => `${line}${x}`));
    } else if (key.startsWith("mapping.trigger")) (out.triggerName ??= []).push(...messages);
    else if (key.startsWith("mapping.serviceLabel")) (out.serviceLabel ??= []).push(...messages);
    else (out[key] ??= []).push(...messages);
  }
  return out;
}

/** A verb taking the form's values: mapping text parsed, and its errors put under the form's boxes. */
export function fromForm<R>(verb: (a: { ctx: Ctx; input: unknown }) => Promise<R>) {
  return async ({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<R> => {
    try {
      return await verb({ ctx, input: integrationInput((input ?? {}) as Values) });
    } catch (err) {
      if (isAppError(err) && Object.keys(err.fieldErrors).length) throw new AppError(err.code, err.message, formFieldErrors(err.fieldErrors));
      throw err;
    }
  };
}
