import { requireUser } from "@/lib/auth/session";
import { Nav } from "@/components/layout/nav";
import { LiveProvider } from "@/components/realtime/live-provider";
import { pendingCount } from "@/lib/approvals/queries";
import { myDueUpdates } from "@/lib/comms/reminders";
import { can } from "@/lib/auth/permissions";
import { UpdateDueBanner } from "@/components/comms/update-due-banner";
import { DATABASE_DOWN, unlessDatabaseDown } from "@/lib/db/availability";
import { DatabaseDownPage } from "@/components/system/database-down-page";

export default async function BoardLayout({ children }: { children: React.ReactNode }) {
  // Signed out: the login page; a forced password change: the password page.
  const user = await unlessDatabaseDown(requireUser);
  if (user === DATABASE_DOWN) return <DatabaseDownPage />;
  return (
    <LiveProvider>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-3 focus:text-sm focus:font-semibold focus:text-slate-900 focus:shadow-lg dark:focus:bg-slate-900 dark:focus:text-slate-100"
      >
        Skip to main content
      </a>
      <Nav user={user} pending={await pendingCount(user)} />
      {can(user.role, "status.publish") && <UpdateDueBanner due={await myDueUpdates(user.id)} />}
      {/* tabIndex -1: the skip link moves keyboard focus here, not only the scroll position. */}
      <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 outline-none">
        {children}
      </main>
    </LiveProvider>
  );
}
