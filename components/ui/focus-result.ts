"use client";
import { useEffect, useRef } from "react";
import type { ActionState } from "@/lib/action-state";

// Keyboard focus follows the result of an action instead of dropping to <body> when the control
// that was pressed re-renders or goes away (a decided request loses its Approve button).

/** Focuses the returned element (a success message) each time the action succeeds. */
export function useFocusOnSuccess<T extends HTMLElement = HTMLParagraphElement>(state: ActionState) {
  const ref = useRef<T>(null);
  const seen = useRef(state);
  useEffect(() => {
    if (state === seen.current) return;
    seen.current = state;
    if (state.ok) ref.current?.focus();
  }, [state]);
  return ref;
}

// One expected result at a time: the form that was just submitted names where its result shows.
// Tab-local module state, never rendered, so it cannot disagree with what the server sent.
let expected: { target: string; since: number } | null = null;
const STALE_MS = 60_000;

/** Call when submitting: the element registered under `target` takes focus once it changes. */
export function expectResult(target: string) {
  expected = { target, since: Date.now() };
}

/** The submit failed (the form shows why, where the focus already is): nothing to move. */
export function cancelResult(target: string) {
  if (expected?.target === target) expected = null;
}

/**
 * Registers an element (give it tabIndex={-1}) as where `target`'s result shows. When `version`
 * (what the element says) changes, or the element mounts, while that result is expected, it takes focus.
 */
export function useResultTarget<T extends HTMLElement>(target: string, version: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (!expected || expected.target !== target || !ref.current) return;
    const fresh = Date.now() - expected.since < STALE_MS;
    expected = null;
    if (fresh) ref.current.focus();
  }, [target, version]);
  return ref;
}
