"use client";
import { useState } from "react";
import { inputClass } from "@/components/ui/field";
import { Button } from "@/components/ui/button";

export type RunbookChoice = {
  name: string;
  title: string;
  parameters: { name: string; type: string; required: boolean; default: string; description: string }[];
};
export type PickedRunbook = { runbook: string; defaults: Record<string, Record<string, string | number | boolean>> };

/**
 * The runbooks that roll a service back, preferred first, each with default parameter values per
 * environment. Sent as one JSON field (`runbooks`); the server checks it against the loaded runbooks.
 */
export function RunbookPicker({ idPrefix, choices, environments, initial, errors }: { idPrefix: string; choices: RunbookChoice[]; environments: string[]; initial: PickedRunbook[]; errors?: string[] }) {
  const [picked, setPicked] = useState<PickedRunbook[]>(initial);
  const byName = new Map(choices.map((c) => [c.name, c]));
  const unused = choices.filter((c) => !picked.some((p) => p.runbook === c.name));

  const update = (i: number, fn: (p: PickedRunbook) => PickedRunbook) => setPicked((l) => l.map((p, j) => (j === i ? fn(p) : p)));
  const setValue = (i: number, env: string, param: string, value: string) =>
    update(i, (p) => {
      const envValues = { ...(p.defaults[env] ?? {}) };
      if (value === "") delete envValues[param];
      else envValues[param] = value;
      const defaults = { ...p.defaults, [env]: envValues };
      if (!Object.keys(envValues).length) delete defaults[env];
      return { ...p, defaults };
    });
  const move = (i: number, by: -1 | 1) =>
    setPicked((l) => {
      const next = [...l];
      const [item] = next.splice(i, 1);
      next.splice(i + by, 0, item!);
      return next;
    });

  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-700" aria-describedby={errors?.length ? `${idPrefix}-runbooks-error` : undefined}>
      <legend className="px-1 text-sm font-medium">Rollback runbooks</legend>
      <input type="hidden" name="runbooks" value={JSON.stringify(picked)} />
      <p className="text-xs text-slate-500 dark:text-slate-400">
        The runbooks that roll this service back, preferred first. Defaults per environment fill the rollback form; leave a field empty to use the runbook&apos;s own default.
      </p>
      {picked.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">None yet: a rollback of this service starts with no runbook chosen.</p>}
      <ol className="space-y-3">
        {picked.map((p, i) => {
          const rb = byName.get(p.runbook);
          return (
            <li key={p.runbook} className="rounded-md bg-slate-50 p-3 dark:bg-slate-800/60">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-semibold">
                  {i + 1}. {rb?.title ?? p.runbook}
                </span>
                <span className="font-mono text-xs text-slate-600 dark:text-slate-400">{p.runbook}</span>
                {!rb && <span className="text-xs font-semibold text-red-700 dark:text-red-400">not loaded</span>}
                <span className="ml-auto flex gap-1">
                  <Button type="button" variant="ghost" className="min-h-9 px-2" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${p.runbook} up`}>
                    ↑
                  </Button>
                  <Button type="button" variant="ghost" className="min-h-9 px-2" disabled={i === picked.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${p.runbook} down`}>
                    ↓
                  </Button>
                  <Button type="button" variant="ghost" className="min-h-9 px-2" onClick={() => setPicked((l) => l.filter((_, j) => j !== i))} aria-label={`Remove ${p.runbook}`}>
                    Remove
                  </Button>
                </span>
              </div>
              {rb && rb.parameters.length > 0 && environments.length > 0 && (
                <div className="mt-2 space-y-2">
                  {environments.map((env) => (
                    <fieldset key={env} className="grid gap-2 sm:grid-cols-2">
                      <legend className="text-xs font-semibold uppercase text-slate-600 dark:text-slate-400">{env}</legend>
                      {rb.parameters.map((param) => {
                        const id = `${idPrefix}-${p.runbook}-${env}-${param.name}`;
                        const value = p.defaults[env]?.[param.name];
                        return (
                          <div key={param.name} className="space-y-1">
                            <label htmlFor={id} className="block text-xs font-medium">
                              {param.name} <span className="text-slate-600 dark:text-slate-400">({env})</span>
                            </label>
                            <input
                              id={id}
                              className={inputClass}
                              value={value === undefined ? "" : String(value)}
                              placeholder={param.default || (param.required ? "required at rollback" : "")}
                              onChange={(e) => setValue(i, env, param.name, e.target.value)}
                            />
                          </div>
                        );
                      })}
                    </fieldset>
                  ))}
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {unused.length > 0 && (
        <div className="flex flex-wrap items-end gap-2">
          <div className="min-w-48 flex-1 space-y-1">
            <label htmlFor={`${idPrefix}-add-runbook`} className="block text-sm font-medium">
              Add a runbook
            </label>
            <select
              className={inputClass}
              id={`${idPrefix}-add-runbook`}
              value=""
              onChange={(e) => {
                const name = e.target.value;
                if (name) setPicked((l) => [...l, { runbook: name, defaults: {} }]);
              }}
            >
              <option value="">Choose a loaded runbook…</option>
              {unused.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.title} ({c.name})
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      {choices.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No runbooks are loaded (see Runbooks).</p>}
      {errors?.length ? (
        <p id={`${idPrefix}-runbooks-error`} role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
          {errors.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
