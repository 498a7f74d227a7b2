import type { Metadata } from "next";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { findInvitation } from "@/lib/users/invite";
import { InviteAcceptForm, InviteNotValid } from "@/components/auth/invite-accept-form";

// The token is a credential: keep the page out of search indexes and of Referer headers.
export const metadata: Metadata = { title: "Accept invitation", robots: { index: false, follow: false }, referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await findInvitation(token);
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-6 px-4 py-10">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Rollcall</h1>
        <p className="text-slate-600 dark:text-slate-400">Incident command for deployment rollbacks</p>
      </div>
      {invitation ? (
        <>
          <p className="text-lg">
            Welcome, <strong>{invitation.name}</strong>: you were invited as <strong>{ROLE_LABELS[invitation.role]}</strong>. Choose a password to
            finish setting up your account.
          </p>
          <InviteAcceptForm token={token} email={invitation.email} />
        </>
      ) : (
        <InviteNotValid />
      )}
    </main>
  );
}
