"use server";
import { formAction, paramsFromForm } from "../form-action.ts";
import { requestRollback } from "./request-rollback.ts";
import { breakGlass, cancelRollback, decideRequest } from "./decide-request.ts";
import { startApprovedRollback } from "../runs/start-run.ts";

// Public POST endpoints: each resolves the actor on the server; the verbs check permission first.

export const requestRollbackAction = formAction(requestRollback, {
  input: (v, form) => ({ ...v, params: paramsFromForm(form) }),
  revalidate: (v) => `/incidents/${String(v.key)}`,
  success: (r) => (r.status === "approved" ? "Approved at once (no approval needed): the run starts now." : "Rollback requested; approvers have been told."),
  clears: true,
});

export const decideRequestAction = formAction(decideRequest, {
  revalidate: () => "/approvals",
  success: (r) =>
    r.status === "approved"
      ? r.started
        ? "Approved: the rollback starts now, exactly as requested."
        : r.autoStart
          ? "Approved, but the run could not start: the request card says why and offers to start it."
          : "Approved. The policy leaves the start to a person: press Start on the request."
      : r.status === "rejected"
        ? "Rejected."
        : "Your approval is recorded; more are needed.",
  clears: true,
});

export const breakGlassAction = formAction(breakGlass, {
  revalidate: () => "/approvals",
  success: "Gate overridden. The incident is flagged for review and approvers were told.",
  clears: true,
});

export const startRollbackAction = formAction(startApprovedRollback, { revalidate: () => "/approvals", success: "Started.", clears: true });

export const cancelRollbackAction = formAction(cancelRollback, { revalidate: () => "/approvals", success: "Cancelled.", clears: true });
