"use client";
import { useState } from "react";
import { inputClass } from "./field";

function toLocalValue(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

/** A datetime-local control that submits UTC ISO time, so the server never guesses the zone. */
export function LocalDateTimeInput({ name, defaultIso, error }: { name: string; defaultIso?: string; error?: string[] }) {
  const [iso, setIso] = useState(defaultIso ?? "");
  return (
    <>
      <input
        id={name}
        type="datetime-local"
        className={inputClass}
        defaultValue={defaultIso ? toLocalValue(defaultIso) : ""}
        aria-invalid={error?.length ? true : undefined}
        aria-describedby={error?.length ? `${name}-error` : undefined}
        onChange={(e) => setIso(e.target.value ? new Date(e.target.value).toISOString() : "")}
      />
      <input type="hidden" name={name} value={iso} />
    </>
  );
}
