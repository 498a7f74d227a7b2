// What an incident is waiting for, and the one thing a given person should do about it now.
// Pure: the incident page's command header and the board both say it in these words.

export type Phase = "declared" | "awaiting_approval" | "approved" | "running" | "paused" | "monitoring" | "resolved" | "closed" | "investigating";

export type NextActionInput = {
  status: "detected" | "investigating" | "rolling_back" | "monitoring" | "resolved" | "closed";
  /** The open live rollback record, if any, with its derived state. */
  rollback: { state: "awaiting_approval" | "approved" | "running" | "paused" | "succeeded" | "failed" | "aborted" | "rejected" | "expired" | "cancelled"; startError: string | null; canDecide: boolean } | null;
  /** The unfinished live run, if any. */
  run: { status: "running" | "paused"; pauseReason: string | null; currentStep: string | null; waitsFor: "confirm" | "operator" | null; stepId?: string | null } | null;
  updateOverdueMinutes: number | null;
  may: { request: boolean; operate: boolean; start: boolean; changeStatus: boolean; publish: boolean };
};

export type ActionKind = "request" | "decide" | "start" | "operate" | "update" | "resolve" | "close";

export type NextAction = {
  phase: Phase;
  /** What the incident waits for, in the words the board uses too. */
  waitingFor: string;
  /** The one action for this person, with the section of the page that holds it. */
  action: { kind: ActionKind; label: string; href: string; urgent: boolean } | null;
};

export function nextAction(i: NextActionInput): NextAction {
  if (i.status === "closed") return { phase: "closed", waitingFor: "Nothing: closed", action: null };
  if (i.run?.status === "paused") {
    const confirm = i.run.waitsFor === "confirm";
    return {
      phase: "paused",
      waitingFor: confirm ? "A person to confirm a step" : "A person to retry, skip or abort a step",
      // Straight to the step's own form (the run card above it can be long on a phone).
      action: i.may.operate ? { kind: "operate", label: confirm ? "Confirm the checklist" : "Decide: retry, skip or abort", href: i.run.stepId ? `#step-${i.run.stepId}` : "#live-run-h", urgent: true } : null,
    };
  }
  if (i.run?.status === "running") {
    return { phase: "running", waitingFor: `The rollback to finish${i.run.currentStep ? `: ${i.run.currentStep}` : ""}`, action: null };
  }
  if (i.rollback?.state === "awaiting_approval") {
    return { phase: "awaiting_approval", waitingFor: "Approval of the rollback", action: i.rollback.canDecide ? { kind: "decide", label: "Approve or reject the rollback", href: "#rollback-h", urgent: true } : null };
  }
  if (i.rollback?.state === "approved") {
    return {
      phase: "approved",
      waitingFor: i.rollback.startError ? "The approved rollback to be started (it could not start by itself)" : "The approved rollback to start",
      action: i.may.start ? { kind: "start", label: "Start the approved rollback", href: "#rollback-h", urgent: true } : null,
    };
  }
  const overdue = i.updateOverdueMinutes !== null && i.updateOverdueMinutes > 0 && i.status !== "resolved";
  if (overdue && i.may.publish) {
    return { phase: phaseOf(i.status), waitingFor: `A stakeholder update (due ${i.updateOverdueMinutes} min ago)`, action: { kind: "update", label: "Post the overdue update", href: "#public-h", urgent: true } };
  }
  if (i.status === "resolved") return { phase: "resolved", waitingFor: "A review, then closing", action: i.may.changeStatus ? { kind: "close", label: "Close after the review", href: "#status-h", urgent: false } : null };
  if (i.status === "monitoring") return { phase: "monitoring", waitingFor: "Confirmation that the service is healthy", action: i.may.changeStatus ? { kind: "resolve", label: "Resolve when healthy", href: "#status-h", urgent: false } : null };
  return {
    phase: phaseOf(i.status),
    waitingFor: overdue ? `A stakeholder update (due ${i.updateOverdueMinutes} min ago)` : "A decision: roll back or fix forward",
    action: i.may.request ? { kind: "request", label: "Request a rollback", href: "#rollback-h", urgent: false } : null,
  };
}

function phaseOf(status: NextActionInput["status"]): Phase {
  if (status === "detected") return "declared";
  if (status === "rolling_back") return "running";
  return status;
}
