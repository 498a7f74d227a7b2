import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { statusPageIsPublic } from "@/lib/status/queries";
import { StatusVisibilityForm } from "@/components/admin/status-visibility-form";
import { Card } from "@/components/ui/card";
import { NotAllowed } from "@/components/auth/not-allowed";

export const metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const me = await requireUser();
  if (!can(me.role, "settings.manage")) {
    return <NotAllowed title="Administrators only">Your role cannot change settings.</NotAllowed>;
  }
  const isPublic = await statusPageIsPublic();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Settings</h1>
      <Card>
        <h2 className="font-semibold">Status page</h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Now: <strong data-testid="status-visibility">{isPublic ? "public" : "signed-in users only"}</strong>.{" "}
          <a href="/status" className="underline">Open the status page</a>
        </p>
        <StatusVisibilityForm isPublic={isPublic} />
      </Card>
    </div>
  );
}
