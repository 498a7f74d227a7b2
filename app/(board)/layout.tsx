import { redirect } from "next/navigation";
import { getSession } from "@/lib/auth/session";
import { Nav } from "@/components/layout/nav";
import { LiveProvider } from "@/components/realtime/live-provider";
import { pendingCount } from "@/lib/approvals/queries";
import { myDueUpdates } from "@/lib/comms/reminders";
import { can } from "@/lib/auth/permissions";
import { UpdateDueBanner } from "@/components/comms/update-due-banner";

export default async function BoardLayout({ children }: { children: React.ReactNode }) {
  const user = await getSession();
  if (!user) redirect("/login");
  return (
    <LiveProvider>
      <Nav user={user} pending={await pendingCount(user)} />
      {can(user.role, "status.publish") && <UpdateDueBanner due={await myDueUpdates(user.id)} />}
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </LiveProvider>
  );
}
