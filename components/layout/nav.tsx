import { ROLE_LABELS, can, type RoleName } from "@/lib/auth/permissions";
import { NavBar, type NavItem } from "@/components/layout/nav-bar";

export function Nav({ user, pending }: { user: { name: string; role: RoleName }; pending: number }) {
  const main: NavItem[] = [
    { href: "/", label: "Board" },
    { href: "/incidents", label: "Incidents" },
    ...(can(user.role, "alerts.read") ? [{ href: "/alerts", label: "Alerts" }] : []),
    ...(can(user.role, "rollback.decide") || can(user.role, "rollback.request") ? [{ href: "/approvals", label: "Approvals", count: pending }] : []),
    { href: "/matrix", label: "Matrix" },
    { href: "/runbooks", label: "Runbooks" },
    { href: "/services", label: "Services" },
    { href: "/status", label: "Status page" },
  ];
  // Administration is grouped so the everyday row fits beside the logo and the user.
  const admin: NavItem[] = [
    ...(can(user.role, "user.manage") ? [{ href: "/admin/users", label: "Users" }] : []),
    ...(can(user.role, "comms.manage") ? [{ href: "/admin/channels", label: "Channels" }, { href: "/admin/templates", label: "Templates" }] : []),
    ...(can(user.role, "contacts.manage") ? [{ href: "/admin/contacts", label: "Contacts" }] : []),
    ...(can(user.role, "integrations.manage") ? [{ href: "/admin/integrations", label: "Integrations" }] : []),
    ...(can(user.role, "settings.manage") ? [{ href: "/admin/settings", label: "Settings" }] : []),
  ];
  return <NavBar main={main} admin={admin} user={{ name: user.name, role: ROLE_LABELS[user.role] }} />;
}
