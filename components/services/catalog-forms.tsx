"use client";
import { useActionState } from "react";
import { archiveServiceAction, deleteServiceAction, importCatalogAction } from "@/lib/services/actions";
import { initialState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, TextArea } from "@/components/ui/field";

/** Archive or restore one service; archived services keep every incident they were named in. */
export function ArchiveForm({ id, name, archived }: { id: string; name: string; archived: boolean }) {
  const [state, action, pending] = useActionState(archiveServiceAction, initialState);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="archived" value={archived ? "false" : "true"} />
      <FormMessage message={state.message} ok={state.ok} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {archived ? `Restore ${name}` : `Archive ${name}`}
      </Button>
      {!archived && <p className="text-xs text-slate-500 dark:text-slate-400">Archived services leave the declare form and the status page; their incidents stay on record.</p>}
    </form>
  );
}

/** Only for a service no incident ever named (a typo): anything else is archived instead. */
export function DeleteForm({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(deleteServiceAction, initialState);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="id" value={id} />
      <FormMessage message={state.message} ok={state.ok} />
      <Button type="submit" variant="danger" disabled={pending}>
        Delete {name}
      </Button>
    </form>
  );
}

export function ImportForm() {
  const [state, action, pending] = useActionState(importCatalogAction, initialState);
  const v = state.ok ? {} : (state.values ?? {});
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} key={state.ok ? `ok-${state.at ?? 0}` : JSON.stringify(v)} aria-label="Import a Backstage catalog" className="space-y-3">
      <FormMessage message={state.message} ok={state.ok} />
      {e.skipped?.length ? (
        <div role="status" className="rounded-md bg-amber-50 p-3 text-sm dark:bg-amber-950">
          <p className="font-semibold">Skipped</p>
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {e.skipped.map((s) => (
              <li key={s} className="break-words">
                {s}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Field label="catalog-info.yaml file" name="catalog-file">
        <input id="catalog-file" name="file" type="file" accept=".yaml,.yml,text/yaml" className="block w-full text-sm" />
      </Field>
      <Field label="…or paste its contents" name="catalog-text" error={e.text} hint="Components are imported (RTO/RPO from rollcall.dev/rto-minutes and rollcall.dev/rpo-minutes annotations); other kinds are skipped with a reason.">
        <TextArea id="catalog-text" name="text" rows={6} defaultValue={String(v.text ?? "")} error={e.text} spellCheck={false} />
      </Field>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Importing…" : "Import"}
      </Button>
    </form>
  );
}
