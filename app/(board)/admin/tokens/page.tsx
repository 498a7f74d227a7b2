import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { listAllTokens } from "@/lib/api-tokens/tokens";
import { TokenTable } from "@/components/account/api-tokens";
import { Card } from "@/components/ui/card";
import { NotAllowed } from "@/components/auth/not-allowed";

export const metadata = { title: "API tokens" };
export const dynamic = "force-dynamic";

export default async function AdminTokensPage() {
  const me = await requireUser();
  if (!can(me.role, "user.manage")) {
    return <NotAllowed title="Administrators only">Your role cannot manage other people&apos;s tokens.</NotAllowed>;
  }
  const tokens = await listAllTokens();
  const rows = tokens.map((t) => ({
    id: t.id, name: t.name, scopes: t.scopes, prefix: t.prefix, owner: `${t.user.name} <${t.user.email}>`,
    expiresAt: t.expiresAt?.toISOString() ?? null, lastUsedAt: t.lastUsedAt?.toISOString() ?? null, revokedAt: t.revokedAt?.toISOString() ?? null,
  }));
  const now = new Date();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">API tokens</h1>
      <Card aria-labelledby="all-tokens">
        <h2 id="all-tokens" className="mb-2 font-semibold">Everyone&apos;s tokens</h2>
        <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">Revoking stops a token at once. Deactivating a user stops all of theirs.</p>
        <TokenTable tokens={rows} rotate={false} now={now.getTime()} />
      </Card>
    </div>
  );
}
