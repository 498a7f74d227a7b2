import type { InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

export const inputClass =
  "block w-full min-h-11 rounded-md border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-sm placeholder:text-slate-400 aria-invalid:border-red-600 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";

type FieldProps = { label: string; name: string; error?: string[]; hint?: ReactNode; children?: ReactNode };

/** A labelled control with its error beneath; the error is announced and linked by aria-describedby. */
export function Field({ label, name, error, hint, children }: FieldProps) {
  const errId = `${name}-error`;
  return (
    <div className="space-y-1">
      <label htmlFor={name} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {hint && !error?.length && <p className="text-xs text-slate-500 dark:text-slate-400">{hint}</p>}
      {error?.length ? (
        <p id={errId} role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
          {error.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

// The error paragraph's id follows the control's id (which defaults to its name), as Field does.
export function TextInput({ name, error, id, ...props }: InputHTMLAttributes<HTMLInputElement> & { name: string; error?: string[] }) {
  const fid = id ?? name;
  return <input id={fid} name={name} aria-invalid={error?.length ? true : undefined} aria-describedby={error?.length ? `${fid}-error` : undefined} className={inputClass} {...props} />;
}

export function TextArea({ name, error, id, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & { name: string; error?: string[] }) {
  const fid = id ?? name;
  return <textarea id={fid} name={name} aria-invalid={error?.length ? true : undefined} aria-describedby={error?.length ? `${fid}-error` : undefined} className={inputClass} {...props} />;
}

export function Select({ name, error, id, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { name: string; error?: string[] }) {
  const fid = id ?? name;
  return <select id={fid} name={name} aria-invalid={error?.length ? true : undefined} aria-describedby={error?.length ? `${fid}-error` : undefined} className={inputClass} {...props} />;
}

/** With `focusRef` (see useFocusOnSuccess) the message can take keyboard focus when it is the result. */
export function FormMessage({ message, ok, focusRef }: { message?: string; ok?: boolean; focusRef?: Ref<HTMLParagraphElement> }) {
  if (!message) return null;
  return (
    <p
      ref={focusRef}
      tabIndex={focusRef ? -1 : undefined}
      role={ok ? "status" : "alert"}
      className={`rounded-md px-3 py-2 text-sm font-medium ${ok ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300" : "bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-300"}`}
    >
      {message}
    </p>
  );
}
