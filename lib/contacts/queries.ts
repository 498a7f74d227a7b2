import { db, type Db, type Tx } from "../db/client.ts";

/** Contacts as the admin page shows them (channel names only: channel secrets stay encrypted). */
export async function listContacts(client: Db = db()) {
  return client.contact.findMany({
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: {
      id: true, name: true, title: true, email: true, phone: true, note: true, userId: true,
      user: { select: { name: true, email: true } },
      channels: { select: { channel: { select: { id: true, name: true, kind: true, active: true } } } },
    },
  });
}
export type ContactRow = Awaited<ReturnType<typeof listContacts>>[number];

/** Channel and user choices for the contact forms: ids and names only. */
export async function contactChoices(client: Db = db()) {
  const [channels, users] = await Promise.all([
    client.channel.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, kind: true, active: true } }),
    client.user.findMany({ where: { active: true }, orderBy: { name: "asc" }, select: { id: true, name: true, email: true } }),
  ]);
  return { channels, users };
}

/** Who a step reaches: its contacts and their active channels (deduplicated). */
export async function reachOf(tx: Tx | Db, contactIds: string[]) {
  if (!contactIds.length) return { contacts: [], channels: [] };
  const contacts = await tx.contact.findMany({
    where: { id: { in: contactIds } },
    orderBy: { name: "asc" },
    select: { id: true, name: true, title: true, channels: { select: { channel: { select: { id: true, name: true, active: true } } } } },
  });
  const channels = new Map<string, string>();
  for (const c of contacts) for (const { channel } of c.channels) if (channel.active) channels.set(channel.id, channel.name);
  return {
    contacts: contacts.map((c) => ({ id: c.id, name: c.name, title: c.title })),
    channels: [...channels].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
