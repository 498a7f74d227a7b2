import { redirect } from "next/navigation";
import { getSessionState, PASSWORD_CHANGE_PATH } from "@/lib/auth/session";
import { demoHint, ssoEnabled } from "@/lib/auth/login-info";
import { LoginForm } from "@/components/auth/login-form";
import { safeCallbackUrl } from "@/lib/auth/redirect";
import { env } from "@/lib/env";
import { DATABASE_DOWN, unlessDatabaseDown } from "@/lib/db/availability";
import { DatabaseDownPage } from "@/components/system/database-down-page";

export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const signedIn = await unlessDatabaseDown(getSessionState);
  if (signedIn === DATABASE_DOWN) return <DatabaseDownPage />;
  if (signedIn) redirect(signedIn.mustChangePassword ? PASSWORD_CHANGE_PATH : "/");
  const sp = await searchParams;
  const demo = await unlessDatabaseDown(demoHint);
  if (demo === DATABASE_DOWN) return <DatabaseDownPage />;
  const next = safeCallbackUrl(sp.callbackUrl, env().NEXTAUTH_URL ?? `http://localhost:${env().PORT}`);
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-6 px-4 py-10">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Rollcall</h1>
        <p className="text-slate-600 dark:text-slate-400">Incident command for deployment rollbacks</p>
      </div>
      <LoginForm callbackUrl={next} sso={ssoEnabled()} error={sp.error} />
      {demo && (
        <aside aria-label="Demo accounts" className="rounded-lg border-2 border-dashed border-amber-500 bg-amber-50 p-4 text-sm dark:bg-amber-950/40">
          <p className="font-bold text-amber-900 dark:text-amber-200">DEMO DATA — not for production</p>
          <p className="mt-1">
            Every demo account uses the password <code className="rounded bg-white px-1 font-mono dark:bg-slate-900">{demo.password}</code>
          </p>
          <ul className="mt-2 space-y-0.5 font-mono text-xs">
            {demo.users.map((u) => (
              <li key={u.email}>
                {u.email} <span className="text-slate-600 dark:text-slate-400">({u.role})</span>
              </li>
            ))}
          </ul>
        </aside>
      )}
    </main>
  );
}
