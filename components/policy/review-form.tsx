"use client";
import { useActionState, useSyncExternalStore } from "react";
import { reviewPolicyAction } from "@/lib/policy-review/actions";
import { initialState } from "@/lib/action-state";
import type { PolicyReviewed } from "@/lib/policy-review/schemas";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";

const noop = () => () => {};

/** "14:02" today, "29 Nov, 14:02" before, in the viewer's zone; UTC until the browser takes over. */
function ClockTime({ iso }: { iso: string }) {
  const local = useSyncExternalStore(noop, () => true, () => false);
  const d = new Date(iso);
  let text = `${iso.slice(0, 16).replace("T", " ")} UTC`;
  if (local) {
    const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    text = d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString([], { day: "numeric", month: "short", year: d.getFullYear() === new Date().getFullYear() ? undefined : "numeric" })}, ${time}`;
  }
  return (
    <time dateTime={iso} title={local ? d.toLocaleString() : undefined} suppressHydrationWarning>
      {text}
    </time>
  );
}

/** Who last marked the decision matrix as reviewed, and, for admins, the button to do it now. */
export function PolicyReview({ activeVersion, review, canReview }: { activeVersion: string; review: PolicyReviewed | null; canReview: boolean }) {
  const [state, action, pending] = useActionState(reviewPolicyAction, initialState);
  const current = review?.version === activeVersion;
  return (
    <div className="space-y-3" data-testid="policy-review">
      <p className="text-sm" data-testid="policy-review-status">
        {review ? (
          <>
            Reviewed by <strong>{review.byLabel}</strong> at <ClockTime iso={review.at} /> (version <code>{review.version}</code>).
            {!current && (
              <span className="mt-1 block font-medium text-amber-800 dark:text-amber-300">
                The policy changed since it was reviewed: version <code>{activeVersion}</code> is active now.
              </span>
            )}
          </>
        ) : (
          <>No administrator has marked this policy as reviewed yet.</>
        )}
      </p>
      {canReview && (
        <form action={action} aria-label="Policy review" className="space-y-2">
          <FormMessage message={state.message} ok={state.ok} />
          <input type="hidden" name="version" value={activeVersion} />
          <p className="text-sm text-slate-600 dark:text-slate-400">
            You are looking at version <code>{activeVersion}</code>. Mark it once you have checked the triggers, the decision authority and the escalation path below.
          </p>
          <Button type="submit" variant={current ? "secondary" : "primary"} disabled={pending}>
            {pending ? "Saving…" : "Mark this policy as reviewed"}
          </Button>
        </form>
      )}
    </div>
  );
}
