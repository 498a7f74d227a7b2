// Engines in this process, woken when a run is started or resumed so its first step does not wait
// for the next timer tick. Kept on globalThis: server actions run in Next's bundles, the engine in
// the custom server's module graph, and both must see one registry. Other instances on the same
// database still pick the work up on their own timer.
const g = globalThis as unknown as { __rollcallEngineWake?: Set<() => void> };

export function onWake(fn: () => void): () => void {
  const set = (g.__rollcallEngineWake ??= new Set());
  set.add(fn);
  return () => set.delete(fn);
}

export function wakeEngines() {
  for (const fn of g.__rollcallEngineWake ?? []) fn();
}
