import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { breakGlassOffer, canDecide, inbox } from "@/lib/approvals/queries";
import { RequestCard } from "@/components/approvals/request-card";
import { toCard } from "@/components/approvals/to-card";
import { NotificationToggle } from "@/components/approvals/notification-toggle";
import { scopeLabels } from "@/lib/decisions/policy-registry";

export const metadata = { title: "Approvals" };
export const dynamic = "force-dynamic";

export default async function ApprovalsPage() {
  const user = await requireUser();
  const { decide, mine, recent } = await inbox(user);
  const mayDecide = can(user.role, "rollback.decide");
  const mayRequest = can(user.role, "rollback.request");
  const labels = scopeLabels();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Approvals</h1>
        <NotificationToggle />
      </div>
      <section aria-labelledby="to-decide" className="space-y-3">
        <h2 id="to-decide" className="text-lg font-semibold">
          Waiting for you ({decide.length})
        </h2>
        {decide.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="approvals-empty">
            <p className="font-semibold text-slate-800 dark:text-slate-200">Nothing is waiting for you.</p>
            <p className="mt-1 text-sm">
              {mayDecide
                ? "Rollback requests you may decide appear here the moment they are made (with browser notifications on, even while you are in another tab)."
                : "Your role does not decide rollback requests; the decision matrix says who does."}{" "}
              {mayRequest && "To ask for a rollback, open the incident and request one there."}
            </p>
          </div>
        ) : (
          <ul className="space-y-3" aria-label="Requests to decide">
            {decide.map((r) => (
              <li key={r.id}>
                <RequestCard r={toCard(r, labels)} canDecide={canDecide(user, r)} canBreakGlass={false} showIncident />
              </li>
            ))}
          </ul>
        )}
      </section>
      {mine.length > 0 && (
        <section aria-labelledby="mine" className="space-y-3">
          <h2 id="mine" className="text-lg font-semibold">Your requests waiting for others</h2>
          <ul className="space-y-3">
            {mine.map((r) => {
              // The policy may withhold break-glass from the requester (by default it does): say why.
              const offer = breakGlassOffer(user, r);
              return (
                <li key={r.id}>
                  <RequestCard r={{ ...toCard(r, labels), breakGlassWhy: offer.why }} canDecide={false} canBreakGlass={offer.offered} showIncident />
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {recent.length > 0 && (
        <section aria-labelledby="recent" className="space-y-3">
          <h2 id="recent" className="text-lg font-semibold">Decided in the last 24 hours</h2>
          <ul className="space-y-3">
            {recent.map((r) => (
              <li key={r.id}>
                <RequestCard r={toCard(r, labels)} canDecide={false} canBreakGlass={false} showIncident />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
