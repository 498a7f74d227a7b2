import Link from "next/link";
import { LiveStatus } from "@/components/realtime/live-provider";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { ROLE_LABELS, can, type RoleName } from "@/lib/auth/permissions";

export function Nav({ user, pending }: { user: { name: string; role: RoleName }; pending: number }) {
  const links = [
    { href: "/", label: "Board" },
    { href: "/incidents", label: "Incidents" },
    ...(can(user.role, "rollback.decide") || can(user.role, "rollback.request") ? [{ href: "/approvals", label: "Approvals", count: pending }] : []),
    { href: "/matrix", label: "Matrix" },
    { href: "/runbooks", label: "Runbooks" },
    { href: "/services", label: "Services" },
    { href: "/status", label: "Status page" },
    ...(can(user.role, "user.manage") ? [{ href: "/admin/users", label: "Users" }] : []),
    ...(can(user.role, "comms.manage") ? [{ href: "/admin/channels", label: "Channels" }, { href: "/admin/templates", label: "Templates" }] : []),
    ...(can(user.role, "contacts.manage") ? [{ href: "/admin/contacts", label: "Contacts" }] : []),
    ...(can(user.role, "settings.manage") ? [{ href: "/admin/settings", label: "Settings" }] : []),
  ];
  // An admin's many links do not fit beside the logo and the user: give them their own row.
  const crowded = links.length > 9;
  return (
    <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/95 backdrop-blur dark:border-slate-800 dark:bg-slate-950/95">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
        <Link href="/" className="text-lg font-bold tracking-tight">
          Rollcall
        </Link>
        <nav aria-label="Main" className={`order-3 flex w-full gap-1 overflow-x-auto ${crowded ? "" : "sm:order-none sm:w-auto"}`}>
          {links.map((l) => (
            <Link key={l.href} href={l.href} className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
              {l.label}
              {"count" in l && l.count ? (
                <span aria-label={`${l.count} waiting`} className="ml-1.5 rounded-full bg-red-700 px-1.5 py-0.5 text-xs font-bold text-white">
                  {l.count}
                </span>
              ) : null}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <LiveStatus />
          <span className="hidden text-right text-xs leading-tight sm:block">
            <span className="block font-semibold">{user.name}</span>
            <span className="text-slate-500 dark:text-slate-400">{ROLE_LABELS[user.role]}</span>
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
