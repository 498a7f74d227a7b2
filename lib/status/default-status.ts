import { PUBLIC_STATUSES } from "./schemas.ts";

type PublicStatus = (typeof PUBLIC_STATUSES)[number];

// Where the incident is, as a public status: a running rollback means the cause is identified.
const FROM_INCIDENT: Record<string, PublicStatus> = {
  detected: "investigating",
  investigating: "investigating",
  rolling_back: "identified",
  monitoring: "monitoring",
  resolved: "resolved",
  closed: "resolved",
};

/**
 * The public status the update form offers: never behind the last one published (the choice stays
 * after publishing) and never behind where the incident is; after a reopen, not "resolved". Pure.
 */
export function defaultPublicStatus(incidentStatus: string, lastPublished: string | null): PublicStatus {
  const order = (s: string | null) => (s ? PUBLIC_STATUSES.indexOf(s as PublicStatus) : -1);
  const fromIncident = FROM_INCIDENT[incidentStatus] ?? "investigating";
  // A reopened incident is not resolved, whatever was last published.
  if (lastPublished === "resolved" && fromIncident !== "resolved") return fromIncident;
  return order(lastPublished) > order(fromIncident) ? (lastPublished as PublicStatus) : fromIncident;
}
