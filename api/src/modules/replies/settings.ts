/** An out-of-office with no return date pauses the sequence this long, unless the workspace says otherwise. */
export const DEFAULT_PAUSE_DAYS = 5;

/** The workspace's pause from `workspaces.settings`, or the default when nothing usable is stored. */
export function pauseDaysOf(settings: Record<string, unknown> | undefined): number {
  const days = settings?.autoReplyPauseDays;
  return typeof days === 'number' && Number.isFinite(days) && days >= 0 ? days : DEFAULT_PAUSE_DAYS;
}
