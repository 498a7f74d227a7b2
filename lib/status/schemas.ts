import { z } from "zod";
import { multiLine, singleLine } from "../validation/text.ts";
import { placeholderMessage } from "../comms/placeholders.ts";

export const SERVICE_STATES = ["operational", "degraded", "partial_outage", "major_outage", "maintenance"] as const;
export const PUBLIC_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;

export const STATE_LABELS: Record<(typeof SERVICE_STATES)[number], string> = {
  operational: "Operational",
  degraded: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  maintenance: "Maintenance",
};

/** How long a status page update may be (the form, and the composer's status page channel). */
export const PUBLIC_UPDATE_LIMIT = 2000;

export const ZPostPublicUpdate = z.object({
  key: singleLine().max(40),
  publicTitle: singleLine().trim().min(5, "Give the incident a public title (at least 5 characters).").max(120, "Public titles are limited to 120 characters."),
  status: z.enum(PUBLIC_STATUSES, "Choose a public status."),
  body: multiLine().trim().min(10, "Write the update for the public (at least 10 characters).").max(PUBLIC_UPDATE_LIMIT, "Public updates are limited to 2,000 characters."),
  showProgress: z.enum(["on", "off"]).default("off").transform((v) => v === "on"),
}).superRefine((u, ctx) => {
  // Customers read it as written: "[eta]" or "{{ impact }}" never reaches the page.
  for (const field of ["publicTitle", "body"] as const) {
    const message = placeholderMessage(u[field], "the status page");
    if (message) ctx.addIssue({ code: "custom", path: [field], message });
  }
});
export type PostPublicUpdate = z.infer<typeof ZPostPublicUpdate>;

export const ZSetServiceState = z.object({
  key: singleLine().max(40).optional(),
  serviceId: z.uuid(),
  state: z.enum(SERVICE_STATES, "Choose a state."),
});
export type SetServiceState = z.infer<typeof ZSetServiceState>;
