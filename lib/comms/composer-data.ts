import { db } from "../db/client.ts";
import { currentTemplates } from "./template-store.ts";
import { incidentVars } from "./incident-vars.ts";
import { renderMessage } from "./templates.ts";

/** Templates rendered from the incident as it is now (plain text, to edit), and the active channels. */
export async function composerData(incidentKey: string) {
  const [templates, vars, channels] = await Promise.all([
    currentTemplates(db()),
    incidentVars(incidentKey),
    db().channel.findMany({ where: { active: true }, orderBy: { name: "asc" }, select: { id: true, name: true, kind: true } }),
  ]);
  if (!vars) return null;
  return {
    channels,
    templates: templates.map((t) => ({ name: t.name, title: t.title, audience: t.audience, ...renderMessage(t, vars, "plain") })),
  };
}
