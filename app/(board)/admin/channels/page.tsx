import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { listChannels } from "@/lib/comms/channel-store";
import { commsKey } from "@/lib/comms/key";
import { AddChannelForm } from "@/components/comms/channel-form";
import { Card } from "@/components/ui/card";
import { NotAllowed } from "@/components/auth/not-allowed";

export const metadata = { title: "Channels" };
export const dynamic = "force-dynamic";

export default async function ChannelsPage() {
  const me = await requireUser();
  if (!can(me.role, "comms.manage")) {
    return <NotAllowed title="Administrators only">Your role cannot manage channels.</NotAllowed>;
  }
  const key = commsKey();
  const channels = key ? await listChannels(db(), key) : [];
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Channels</h1>
      {!key && (
        <p role="alert" className="rounded-md bg-amber-50 p-3 text-sm dark:bg-amber-950">
          Set COMMS_KEY (32 random bytes, base64) so channel secrets can be stored encrypted.
        </p>
      )}
      <Card>
        <h2 className="mb-3 font-semibold">Add a channel</h2>
        <AddChannelForm />
      </Card>
      <ul className="space-y-2" aria-label="Channels">
        {channels.map((c) => (
          <li key={c.id}>
            <Card>
              <p className="font-semibold">
                {c.name} <span className="text-xs font-normal text-slate-500">{c.kind}{c.active ? "" : " · inactive"}</span>
              </p>
              <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-xs">
                {Object.entries(c.config).map(([k, val]) => (
                  <div key={k} className="contents">
                    <dt className="text-slate-500">{k}</dt>
                    <dd className="font-mono break-all">{val}</dd>
                  </div>
                ))}
              </dl>
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}
