import { redirect } from "next/navigation";
import { getSessionState } from "@/lib/auth/session";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { SignOutButton } from "@/components/auth/sign-out-button";

export const metadata = { title: "Choose a new password" };
export const dynamic = "force-dynamic";

// Where someone whose password was reset (or who signed in with the setup password) is held until
// they choose their own: every other page sends them here and every other action refuses them.
export default async function ForcedPasswordChangePage() {
  const s = await getSessionState();
  if (!s) redirect("/login");
  if (!s.mustChangePassword) redirect("/account");
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-6 px-4 py-10">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Choose a new password</h1>
        <p className="mt-2 text-slate-600 dark:text-slate-400">
          Signed in as <strong className="break-all">{s.user.email}</strong>. Your password was set by an administrator, or is the setup password
          printed when Rollcall first started. Choose your own to continue; the old one stops working.
        </p>
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <ChangePasswordForm email={s.user.email} forced />
      </div>
      <div>
        <SignOutButton />
      </div>
    </main>
  );
}
