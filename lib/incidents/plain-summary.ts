// What a stakeholder reads at the top of an incident: what is being done and how far it is, in
// plain words, with no runbook, executor, policy or step-log detail. Pure, like next-action.ts.
import type { Phase } from "./next-action.ts";

export type PlainSummaryInput = {
  phase: Phase;
  services: string;
  /** What the open (or last) live rollback brings the services back to, if there is one. */
  target: string | null;
  /** Who may approve a rollback that waits, as people say it ("a team lead"). */
  approvers: string | null;
  /** The live run, if one is unfinished: steps done of all, and what it waits for when paused. */
  run: { done: number; total: number; waitsFor: "confirm" | "operator" | null } | null;
  /** The last live rollback finished successfully (for the monitoring and resolved phases). */
  rolledBack: boolean;
};

export type PlainSummary = {
  /** What is being done now, one sentence. */
  doing: string;
  /** Percent of the live rollback's steps done, while one runs or waits. */
  progress: number | null;
};

const ROLE_WORDS: Record<string, string> = {
  oncall: "an on-call engineer",
  teamlead: "a team lead",
  productowner: "a product owner",
  admin: "an administrator",
};

/** "teamlead or productowner" → "a team lead or a product owner". */
export function approverWords(roles: string[]): string | null {
  if (roles.length === 0) return null;
  return roles.map((r) => ROLE_WORDS[r] ?? r).join(" or ");
}

// Careful with words: the status badge beside this says the status, so the sentence never names
// another status ("Detected", "Resolved") than the one the incident is in.
export function plainSummary(i: PlainSummaryInput): PlainSummary {
  const to = i.target ? ` to ${i.target}` : "";
  const progress = i.run && i.run.total > 0 ? Math.round((i.run.done / i.run.total) * 100) : null;
  switch (i.phase) {
    case "declared":
    case "investigating":
      return { doing: `The team is finding the cause on ${i.services} and deciding whether to roll back.`, progress: null };
    case "awaiting_approval":
      return { doing: `A rollback of ${i.services}${to} is waiting for approval${i.approvers ? ` by ${i.approvers}` : ""}.`, progress: null };
    case "approved":
      return { doing: `A rollback of ${i.services}${to} is approved and about to start.`, progress: null };
    case "running":
      return {
        doing: i.run ? `Rolling back ${i.services}${to}: step ${Math.min(i.run.done + 1, i.run.total)} of ${i.run.total}.` : `Rolling back ${i.services}${to}.`,
        progress,
      };
    case "paused":
      return {
        doing: `The rollback of ${i.services}${to} waits for the team to ${i.run?.waitsFor === "confirm" ? "confirm its final checks" : "decide on a step that did not work"}.`,
        progress,
      };
    case "monitoring":
      return { doing: `${i.services} ${i.rolledBack ? `was rolled back${to}` : "has a fix in place"}; the team is watching that it stays healthy.`, progress: null };
    case "resolved":
      return { doing: `The problem is fixed${i.rolledBack ? ` (rolled back${to})` : ""}; the team reviews what happened.`, progress: null };
    case "closed":
      return { doing: "This incident is closed after its review.", progress: null };
  }
}
