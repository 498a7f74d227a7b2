"use client";
import { useActionState } from "react";
import { setStatusVisibilityAction } from "@/lib/settings/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";

const CHOICES = [
  { value: "public", label: "Public", hint: "Anyone with the link sees /status, /api/status and the Atom feed, live. Public words only." },
  { value: "signed_in", label: "Signed-in users only", hint: "Signed-out visitors are sent to the login page; the JSON and the feed answer 401; the live socket refuses them." },
] as const;

export function StatusVisibilityForm({ isPublic }: { isPublic: boolean }) {
  const [state, action, pending] = useActionState(setStatusVisibilityAction, initialState);
  const current = state.ok || !state.values ? (isPublic ? "public" : "signed_in") : String(state.values.visibility ?? "");
  return (
    <form action={action} key={`${String(isPublic)}-${state.at ?? ""}`} aria-label="Status page visibility" className="space-y-3">
      <FormMessage message={state.message} ok={state.ok} />
      <fieldset className="space-y-2" aria-describedby={state.fieldErrors?.visibility ? "visibility-error" : undefined}>
        <legend className="text-sm font-medium">Who may see the status page</legend>
        {CHOICES.map((c) => (
          <label key={c.value} className="flex min-h-11 cursor-pointer items-start gap-3 rounded-md border border-slate-200 p-3 has-checked:border-sky-600 has-checked:bg-sky-50 dark:border-slate-700 dark:has-checked:bg-sky-950">
            <input type="radio" name="visibility" value={c.value} defaultChecked={current === c.value} className="mt-1 h-4 w-4" />
            <span>
              <span className="block font-medium">{c.label}</span>
              <span className="block text-sm text-slate-600 dark:text-slate-400">{c.hint}</span>
            </span>
          </label>
        ))}
        {state.fieldErrors?.visibility && (
          <p id="visibility-error" role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
            {state.fieldErrors.visibility.join(" ")}
          </p>
        )}
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save visibility"}
      </Button>
    </form>
  );
}
