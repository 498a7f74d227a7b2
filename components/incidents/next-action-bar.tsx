"use client";
import { useEffect, useState } from "react";

/**
 * On a phone, once the command header's box has scrolled away, its one action stays at the bottom
 * of the screen, so what needs you is never a scroll away. Hidden (and out of the accessibility
 * tree) while the header's own action is in view, and from md up.
 */
export function NextActionBar({ watch, label, href, urgent }: { watch: string; label: string; href: string; urgent: boolean }) {
  const [away, setAway] = useState(false);
  useEffect(() => {
    const el = document.getElementById(watch);
    if (!el) return;
    const io = new IntersectionObserver(([entry]) => setAway(!entry!.isIntersecting));
    io.observe(el);
    return () => io.disconnect();
  }, [watch]);
  return (
    <div hidden={!away} className="fixed inset-x-0 bottom-0 z-20 border-t border-slate-200 bg-white/95 p-2 backdrop-blur md:hidden dark:border-slate-800 dark:bg-slate-950/95" data-testid="next-action-bar">
      <a
        href={href}
        className={`flex min-h-11 w-full items-center justify-center rounded-md px-4 text-sm font-semibold ${urgent ? "bg-red-700 text-white dark:bg-red-600" : "bg-sky-700 text-white"}`}
      >
        Next: {label}
      </a>
    </div>
  );
}
