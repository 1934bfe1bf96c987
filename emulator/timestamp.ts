// The API's only date format: `yyyy-MM-ddTHH:mm:ssZ`, UTC, whole seconds (common parameter `Timestamp`,
// header `x-acs-date`, and AddCasterEpisodeGroup's `StartTime`). A regex alone would accept 2024-02-30
// or 25:00:00, so the parts are checked against what Date.UTC made of them.
const UTC_SECONDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Epoch milliseconds of a strict `yyyy-MM-ddTHH:mm:ssZ` string, or undefined when it is not one (impossible dates included). */
export function parseUtcSeconds(text: string): number | undefined {
  const match = UTC_SECONDS.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(epochMs);
  const sameParts =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  return sameParts ? epochMs : undefined;
}
