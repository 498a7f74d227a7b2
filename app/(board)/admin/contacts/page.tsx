import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { escalationHistory, escalationPath } from "@/lib/contacts/escalation-path";
import { contactChoices, listContacts } from "@/lib/contacts/queries";
import { env } from "@/lib/env";
import { AddContactForm, DeleteContactForm, EditContactForm } from "@/components/admin/contact-forms";
import { EscalationPathForm } from "@/components/admin/escalation-path-form";
import { Card } from "@/components/ui/card";
import { NotAllowed } from "@/components/auth/not-allowed";
import { RelativeTime } from "@/components/ui/relative-time";

export const metadata = { title: "Contacts and escalation" };
export const dynamic = "force-dynamic";

export default async function ContactsPage() {
  const me = await requireUser();
  if (!can(me.role, "contacts.manage")) {
    return <NotAllowed title="Administrators only">Your role cannot manage contacts or the escalation path.</NotAllowed>;
  }
  const [contacts, choices, path, history] = await Promise.all([listContacts(), contactChoices(), escalationPath(), escalationHistory()]);
  const names = new Map(contacts.map((c) => [c.id, c.name]));
  const pathContacts = contacts.map((c) => ({ id: c.id, name: c.name, title: c.title, channels: c.channels.filter((x) => x.channel.active).length }));
  const steps = path.steps.map((s) => ({ afterMinutes: String(s.afterMinutes), role: s.role, approverRole: s.approverRole ?? "", contactIds: s.contactIds }));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Contacts and escalation</h1>

      <Card aria-labelledby="path-h">
        <h2 id="path-h" className="font-semibold">Escalation path</h2>
        <p className="mt-1 mb-3 text-sm text-slate-600 dark:text-slate-400" data-testid="path-source">
          {path.source === "saved" ? (
            <>
              In use: version {path.version}, saved by {path.savedBy} <RelativeTime iso={path.savedAt!.toISOString()} />.
            </>
          ) : (
            <>In use: the policy file&apos;s path ({env().POLICY_FILE}). Saving here makes your version the one in use; later edits to the policy&apos;s path then no longer apply.</>
          )}{" "}
          When a rollback request waits past a step&apos;s time (or its response target, if later), it escalates: the step&apos;s role may then decide, and its contacts get a message on their channels.
        </p>
        <EscalationPathForm steps={steps} baseVersion={path.version} contacts={pathContacts} />
      </Card>

      {history.length > 0 && (
        <Card aria-labelledby="history-h">
          <h2 id="history-h" className="mb-2 font-semibold">Saved versions</h2>
          <ol className="space-y-2 text-sm" aria-label="Saved versions">
            {history.map((v) => (
              <li key={v.version}>
                <details>
                  <summary className="cursor-pointer py-1">
                    Version {v.version} by {v.createdByLabel}, <RelativeTime iso={v.createdAt.toISOString()} />
                    {v.version === path.version && path.source === "saved" ? " (in use)" : ""}
                  </summary>
                  <ol className="mt-1 ml-5 list-decimal space-y-0.5">
                    {v.steps.map((s, i) => (
                      <li key={i}>
                        {s.role}, {i === 0 ? "first" : `after ${s.afterMinutes} min`}
                        {s.approverRole ? `; ${ROLE_LABELS[s.approverRole]} may decide` : ""}
                        {s.contactIds.length ? `; reaches ${s.contactIds.map((id) => names.get(id) ?? "a deleted contact").join(", ")}` : "; no contact"}
                      </li>
                    ))}
                  </ol>
                </details>
              </li>
            ))}
          </ol>
        </Card>
      )}

      <Card aria-labelledby="add-contact-h">
        <h2 id="add-contact-h" className="mb-3 font-semibold">Add a contact</h2>
        <AddContactForm channels={choices.channels} users={choices.users} />
      </Card>

      <section aria-labelledby="contacts-h" className="space-y-2">
        <h2 id="contacts-h" className="text-lg font-semibold">Contacts</h2>
        {contacts.length === 0 && (
          <div className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400" data-testid="contacts-empty">
            <p className="font-semibold text-slate-800 dark:text-slate-200">No contacts yet.</p>
            <p className="mt-1">
              Contacts are the people an escalation reaches: when a rollback request waits past a step of the escalation path, that step&apos;s contacts get a message on
              their channels. Add them with the form above, then put them on the steps of the escalation path.
            </p>
            {choices.channels.filter((c) => c.active).length === 0 && (
              <p className="mt-2">
                No channel exists to reach them yet:{" "}
                <Link href="/admin/channels" className="font-semibold text-sky-700 underline dark:text-sky-400">
                  add a channel
                </Link>{" "}
                first, or escalations to them are recorded as not delivered.
              </p>
            )}
          </div>
        )}
        <ul className="space-y-2" aria-label="Contacts">
          {contacts.map((c) => {
            const active = c.channels.filter((x) => x.channel.active);
            return (
              <li key={c.id}>
                <Card>
                  <div className="flex flex-wrap items-baseline gap-x-3">
                    <span className="font-semibold">{c.name}</span>
                    <span className="text-sm text-slate-600 dark:text-slate-400">{c.title}</span>
                    {c.user && <span className="text-xs text-slate-600 dark:text-slate-400">Rollcall user: {c.user.name}</span>}
                  </div>
                  <p className="mt-1 flex flex-wrap gap-x-4 text-sm">
                    {c.phone && <a href={`tel:${c.phone}`} className="underline">{c.phone}</a>}
                    {c.email && <a href={`mailto:${c.email}`} className="break-all underline">{c.email}</a>}
                    {c.note && <span className="text-slate-600 dark:text-slate-400">{c.note}</span>}
                  </p>
                  <p className="mt-1 text-sm">
                    {active.length ? (
                      <>Channels: {active.map((x) => x.channel.name).join(", ")}</>
                    ) : (
                      <span className="text-amber-800 dark:text-amber-300">No active channel: escalations to {c.name} are recorded as not delivered.</span>
                    )}
                  </p>
                  <div className="mt-2 flex flex-wrap items-start gap-3">
                    <details className="min-w-0 flex-1">
                      <summary className="inline-flex min-h-11 cursor-pointer items-center text-sm font-medium text-sky-800 dark:text-sky-300">Edit {c.name}</summary>
                      <div className="mt-2">
                        <EditContactForm
                          contact={{ id: c.id, name: c.name, title: c.title, email: c.email, phone: c.phone, note: c.note, userId: c.userId, channelIds: c.channels.map((x) => x.channel.id) }}
                          channels={choices.channels}
                          users={choices.users}
                        />
                      </div>
                    </details>
                    <DeleteContactForm contact={{ id: c.id, name: c.name }} />
                  </div>
                </Card>
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
