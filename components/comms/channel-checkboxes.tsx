"use client";
import type { ReactNode } from "react";
import type { ComposerChannel } from "./composer";

/** One checkbox per channel (submitted as channelIds), with room for something after each name. */
export function ChannelCheckboxes({ channels, picked, onChange, after }: { channels: ComposerChannel[]; picked: string[]; onChange: (ids: string[]) => void; after?: (c: ComposerChannel) => ReactNode }) {
  return channels.map((c) => (
    <label key={c.id} className="flex min-h-11 items-center gap-3 text-sm">
      <input
        type="checkbox"
        name="channelIds"
        value={c.id}
        checked={picked.includes(c.id)}
        onChange={(ev) => onChange(ev.target.checked ? [...picked, c.id] : picked.filter((id) => id !== c.id))}
        className="h-5 w-5"
      />
      {c.name} <span className="text-xs text-slate-600 dark:text-slate-400">{c.kind}</span>
      {after?.(c)}
    </label>
  ));
}
