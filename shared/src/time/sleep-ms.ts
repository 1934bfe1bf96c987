/** Sleeps for a number of milliseconds (a negative duration does not sleep). */
export function sleepMs(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, durationMs)));
}
