import { evaluate, withSeverity, type Decision, type Facts } from "../policy/evaluate.ts";
import type { SeverityId } from "../policy/schema.ts";
import { activePolicy } from "./policy-registry.ts";

export type DecisionJson = Omit<Decision, "respondBy"> & { respondBy: string | null; recommendedSeverity: SeverityId | null };

export function toJson(d: Decision, recommended: SeverityId | null): DecisionJson {
  return { ...d, respondBy: d.respondBy?.toISOString() ?? null, recommendedSeverity: recommended };
}

/** The matrix's recommendation, and the decision once the commander's chosen severity is applied. */
export function decideForIncident(facts: Facts, chosen: SeverityId, detectedAt: Date) {
  const loaded = activePolicy();
  const recommendation = evaluate(loaded, facts, detectedAt);
  const final = withSeverity(loaded, recommendation, chosen, detectedAt);
  return { loaded, recommendation, final, overridden: recommendation.severity !== null && recommendation.severity !== chosen };
}
