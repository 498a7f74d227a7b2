"use server";
import { formAction } from "../form-action.ts";
import { createContact, deleteContact, updateContact } from "./manage-contacts.ts";
import { saveEscalationPath } from "./escalation-path.ts";

const contacts = () => "/admin/contacts";

export const createContactAction = formAction(createContact, { revalidate: contacts, success: (c) => `Added ${c.name}.`, clears: true });
export const updateContactAction = formAction(updateContact, { revalidate: contacts, success: (c) => `Saved ${c.name}.`, clears: true });
export const deleteContactAction = formAction(deleteContact, { revalidate: contacts, success: (c) => `Deleted ${c.name}.`, clears: true });
export const saveEscalationPathAction = formAction(saveEscalationPath, {
  revalidate: contacts,
  success: (r) => `Saved as version ${r.version}. Escalations use it from now on.`,
  clears: true,
});
