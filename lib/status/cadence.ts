/**
 * When the next stakeholder update is due: the policy's interval for the severity, counted from
 * the last public update, or from detection when there has been none. Pure; `null` = no cadence.
 */
export function nextUpdateDue(intervalMinutes: number | null | undefined, lastUpdateAt: Date | null, detectedAt: Date): Date | null {
  if (!intervalMinutes) return null;
  return new Date((lastUpdateAt ?? detectedAt).getTime() + intervalMinutes * 60_000);
}
