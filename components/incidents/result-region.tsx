"use client";
import type { HTMLAttributes } from "react";
import { useResultTarget } from "@/components/ui/focus-result";

/**
 * The command header's "needs now" box: where focus goes after an action whose own control goes
 * away (a confirmed step, a started rollback), once the box says something new.
 */
export function ResultRegion({ target, version, ...props }: HTMLAttributes<HTMLElement> & { target: string; version: string }) {
  const ref = useResultTarget<HTMLElement>(target, version);
  return <section ref={ref} tabIndex={-1} {...props} />;
}
