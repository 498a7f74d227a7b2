"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { LiveStatus } from "@/components/realtime/live-provider";
import { SignOutButton } from "@/components/auth/sign-out-button";

export type NavItem = { href: string; label: string; count?: number };

const linkClass =
  "flex min-h-11 items-center rounded-md px-3 text-sm font-medium whitespace-nowrap text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-slate-100 aria-[current=page]:text-slate-950 lg:min-h-10 lg:px-2.5 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-slate-800 dark:aria-[current=page]:text-white";

function isCurrent(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

function NavLink({ item, pathname, onNavigate }: { item: NavItem; pathname: string; onNavigate: () => void }) {
  return (
    <Link href={item.href} className={linkClass} aria-current={isCurrent(pathname, item.href) ? "page" : undefined} onClick={onNavigate}>
      {item.label}
      {item.count ? (
        <span role="img" aria-label={`${item.count} waiting`} className="ml-1.5 rounded-full bg-red-700 px-1.5 py-0.5 text-xs font-bold text-white">
          {item.count}
        </span>
      ) : null}
    </Link>
  );
}

/**
 * One "Main" navigation for every width: on phones a Menu button opens it (with who is signed in
 * and Sign out) below the top row; from lg up the panel dissolves (display: contents) into the row.
 * Each element exists once, so labels and names stay unique for assistive technology and tests.
 */
export function NavBar({ main, admin, user }: { main: NavItem[]; admin: NavItem[]; user: { name: string; role: string } }) {
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const [adminOpen, setAdminOpen] = useState(false);
  const [shownPath, setShownPath] = useState(pathname);
  if (pathname !== shownPath) {
    // The layout survives client navigation: close what was open when the page changes.
    setShownPath(pathname);
    setMenuOpen(false);
    setAdminOpen(false);
  }
  const panelId = useId();
  const header = useRef<HTMLElement>(null);
  const menuButton = useRef<HTMLButtonElement>(null);
  const adminGroup = useRef<HTMLDetailsElement>(null);

  useEffect(() => {
    if (!menuOpen && !adminOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      if (menuOpen) {
        setMenuOpen(false);
        setAdminOpen(false);
        menuButton.current?.focus();
      } else {
        setAdminOpen(false);
        adminGroup.current?.querySelector("summary")?.focus();
      }
    };
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (menuOpen && !header.current?.contains(target)) {
        setMenuOpen(false);
        setAdminOpen(false);
      }
      if (!menuOpen && !adminGroup.current?.contains(target)) setAdminOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [menuOpen, adminOpen]);

  const close = () => {
    setMenuOpen(false);
    setAdminOpen(false);
  };
  const adminCurrent = admin.some((a) => isCurrent(pathname, a.href));

  return (
    <header ref={header} className="sticky top-0 z-10 border-b border-slate-200 bg-white/95 backdrop-blur dark:border-slate-800 dark:bg-slate-950/95">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-3 gap-y-2 px-4 py-2">
        <Link href="/" className="order-1 flex min-h-11 items-center text-lg font-bold tracking-tight lg:min-h-10">
          Rollcall
        </Link>
        <div className="order-2 ml-auto lg:order-3">
          <LiveStatus />
        </div>
        <button
          ref={menuButton}
          type="button"
          aria-expanded={menuOpen}
          aria-controls={panelId}
          onClick={() => {
            // On a phone the menu shows the whole list, administration included.
            setMenuOpen(!menuOpen);
            setAdminOpen(!menuOpen);
          }}
          className="order-3 inline-flex min-h-11 items-center gap-2 rounded-md border border-slate-300 px-3 text-sm font-semibold text-slate-900 hover:bg-slate-100 lg:hidden dark:border-slate-700 dark:text-slate-100 dark:hover:bg-slate-800"
        >
          <svg aria-hidden viewBox="0 0 20 20" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
            {menuOpen ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 5h14M3 10h14M3 15h14" />}
          </svg>
          Menu
        </button>
        <div
          id={panelId}
          className={`${menuOpen ? "flex" : "hidden"} order-4 max-h-[calc(100dvh-4.5rem)] w-full flex-col gap-2 overflow-y-auto pb-2 lg:contents`}
        >
          <nav aria-label="Main" className="lg:order-2">
            <ul className="flex flex-col gap-0.5 lg:flex-row lg:items-center">
              {main.map((item) => (
                <li key={item.href}>
                  <NavLink item={item} pathname={pathname} onNavigate={close} />
                </li>
              ))}
              {admin.length > 0 && (
                <li>
                  <details ref={adminGroup} open={adminOpen} onToggle={(e) => setAdminOpen(e.currentTarget.open)} className="group lg:relative">
                    <summary
                      className={`${linkClass} cursor-pointer list-none gap-1 [&::-webkit-details-marker]:hidden ${adminCurrent ? "bg-slate-100 text-slate-950 dark:bg-slate-800 dark:text-white" : ""}`}
                    >
                      Admin
                      <svg aria-hidden viewBox="0 0 20 20" className="h-4 w-4 transition-transform group-open:rotate-180" fill="currentColor">
                        <path d="M5.5 7.5 10 12l4.5-4.5z" />
                      </svg>
                    </summary>
                    <ul
                      aria-label="Admin"
                      className="ml-3 flex flex-col gap-0.5 border-l border-slate-200 pl-2 lg:absolute lg:top-full lg:right-0 lg:z-20 lg:mt-1 lg:ml-0 lg:w-48 lg:rounded-md lg:border lg:bg-white lg:p-1 lg:shadow-lg dark:border-slate-700 lg:dark:bg-slate-900"
                    >
                      {admin.map((item) => (
                        <li key={item.href}>
                          <NavLink item={item} pathname={pathname} onNavigate={close} />
                        </li>
                      ))}
                    </ul>
                  </details>
                </li>
              )}
            </ul>
          </nav>
          <div className="flex items-center justify-between gap-3 border-t border-slate-200 pt-2 lg:order-4 lg:border-0 lg:pt-0 dark:border-slate-800">
            {/* Between lg and xl the row has no room for the name; it stays for screen readers. */}
            <span className="text-xs leading-tight lg:text-right lg:max-xl:sr-only">
              <Link href="/account" className="block font-semibold hover:underline" title="Your account">
                {user.name}
              </Link>
              <span className="text-slate-600 dark:text-slate-400">{user.role}</span>
            </span>
            <SignOutButton />
          </div>
        </div>
      </div>
    </header>
  );
}
