import { redirect } from "next/navigation";
import { getSession } from "@/lib/auth/session";
import { Nav } from "@/components/layout/nav";
import { LiveProvider } from "@/components/realtime/live-provider";
import { pendingCount } from "@/lib/approvals/queries";

export default async function BoardLayout({ children }: { children: React.ReactNode }) {
  const user = await getSession();
  if (!user) redirect("/login");
  return (
    <LiveProvider>
      <Nav user={user} pending={await pendingCount(user)} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </LiveProvider>
  );
}
