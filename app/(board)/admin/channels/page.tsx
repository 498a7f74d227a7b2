import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { listChannels, type ChannelView } from "@/lib/comms/channel-store";
import { CHANNEL_FORMATS } from "@/lib/comms/channels/format";
import { commsKey } from "@/lib/comms/key";
import { AddChannelForm, EditChannelForm } from "@/components/comms/channel-form";
import { ChannelActiveForm, DeleteChannelForm, TestChannelForm } from "@/components/comms/channel-controls";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { NotAllowed } from "@/components/auth/not-allowed";

export const metadata = { title: "Channels" };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

function LastTest({ test }: { test: ChannelView["lastTest"] }) {
  if (!test) return <>never tested</>;
  const when = <RelativeTime iso={test.at.toISOString()} />;
  if (test.status === "delivered") return <span className="text-emerald-800 dark:text-emerald-300">delivered {when}</span>;
  if (test.status === "pending" || test.status === "sending") return <>being sent ({when})</>;
  return (
    <span className="text-red-700 dark:text-red-400">
      failed {when}: {test.error ?? "no detail"}
    </span>
  );
}

const summaryClass = "inline-flex min-h-11 cursor-pointer items-center text-sm font-medium";

function ChannelItem({ c }: { c: ChannelView }) {
  const h = `channel-${c.id}-h`;
  return (
    <li>
      <Card aria-labelledby={h} className="space-y-3">
        <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          <h3 id={h} className="font-semibold break-all">
            {c.name}
          </h3>
          <span className="text-sm text-slate-600 dark:text-slate-400">{CHANNEL_FORMATS[c.kind].label}</span>
          <span
            className={`rounded-full px-2 py-0.5 text-xs font-semibold ${c.active ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-300" : "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200"}`}
          >
            {c.active ? "Active" : "Disabled"}
          </span>
        </div>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-xs">
          {Object.entries(c.config).map(([k, val]) => (
            <div key={k} className="contents">
              <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
              <dd className="font-mono break-all">{val}</dd>
            </div>
          ))}
        </dl>
        <p className="text-sm" data-testid="last-test">
          Last test: <LastTest test={c.lastTest} />
        </p>
        {!c.active && (
          <p className="text-sm text-amber-800 dark:text-amber-300">
            Disabled: not offered when sending messages; anything still queued for it is given up as “Channel is inactive”.
          </p>
        )}
        <div className="flex flex-wrap items-start gap-x-4 gap-y-2">
          <TestChannelForm channel={{ id: c.id, name: c.name }} />
          <ChannelActiveForm channel={{ id: c.id, name: c.name, active: c.active }} />
        </div>
        <details>
          <summary className={`${summaryClass} text-sky-800 dark:text-sky-300`}>Edit {c.name}</summary>
          <div className="mt-2">
            <EditChannelForm channel={{ id: c.id, name: c.name, kind: c.kind, config: c.config }} />
          </div>
        </details>
        <details>
          <summary className={`${summaryClass} text-red-800 dark:text-red-300`}>Delete {c.name}</summary>
          <div className="mt-2">
            <DeleteChannelForm channel={{ id: c.id, name: c.name }} waiting={c.waiting} />
          </div>
        </details>
      </Card>
    </li>
  );
}

export default async function ChannelsPage({ searchParams }: { searchParams: Search }) {
  const me = await requireUser();
  if (!can(me.role, "comms.manage")) {
    return <NotAllowed title="Administrators only">Your role cannot manage channels.</NotAllowed>;
  }
  const sp = await searchParams;
  const deleted = typeof sp.deleted === "string" ? sp.deleted : null;
  const gaveUp = Number(typeof sp.gaveUp === "string" ? sp.gaveUp : 0) || 0;
  const key = commsKey();
  const channels = key ? await listChannels(db(), key) : [];
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-2xl font-bold">Channels</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Where incident messages and escalations go. Secrets (webhook URLs, SMTP passwords, signing secrets) are stored encrypted and shown only masked.
        </p>
      </div>
      {!key && (
        <p role="alert" className="rounded-md bg-amber-50 p-3 text-sm dark:bg-amber-950">
          Set COMMS_KEY (32 random bytes, base64) so channel secrets can be stored encrypted.
        </p>
      )}
      {deleted && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">
          Deleted {deleted}; its message history is kept.
          {gaveUp > 0 ? ` ${gaveUp} waiting ${gaveUp === 1 ? "delivery was" : "deliveries were"} given up.` : ""}
        </p>
      )}

      <section aria-labelledby="channels-h" className="space-y-2">
        <h2 id="channels-h" className="text-lg font-semibold">
          Your channels
        </h2>
        {channels.length === 0 ? (
          <Card>
            <p className="font-semibold">No channels yet.</p>
            <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
              A channel is a place Rollcall posts to: a Slack or Microsoft Teams channel (incoming webhook), an email list over SMTP, or a signed JSON webhook
              into your own tools. Incident messages from the composer, automatic rollback messages and escalations to contacts all go out through channels;
              without one, nobody hears from Rollcall.
            </p>
            <p className="mt-2 text-sm">
              <a href="#add-channel" className="font-medium text-sky-800 underline dark:text-sky-300">
                Add your first channel
              </a>{" "}
              below, then send it a test message to check it arrives.
            </p>
          </Card>
        ) : (
          <ul className="space-y-3" aria-label="Channels">
            {channels.map((c) => (
              <ChannelItem key={c.id} c={c} />
            ))}
          </ul>
        )}
      </section>

      <Card id="add-channel" aria-labelledby="add-channel-h">
        <h2 id="add-channel-h" className="mb-3 font-semibold">
          Add a channel
        </h2>
        <AddChannelForm />
      </Card>
    </div>
  );
}
