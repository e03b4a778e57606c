// IICS writes `startTime`/`endTime` as US Eastern wall-clock time followed by a `Z` that claims UTC.
// The fake reproduces that quirk so that clients learn to prefer `startTimeUtc`/`endTimeUtc`.

const EASTERN = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** IICS keeps whole seconds: "2021-09-23T10:52:25.000Z". */
function wholeSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}

/** Real UTC, as in `startTimeUtc`: "2021-09-23T10:52:25.000Z". */
export function iicsUtcTime(epochMs: number): string {
  return new Date(wholeSeconds(epochMs)).toISOString();
}

/** US Eastern wall-clock time with the misleading `Z`, as in `startTime`: "2021-09-23T06:52:25.000Z". DST-correct. */
export function iicsEasternTime(epochMs: number): string {
  const parts: Record<string, string> = {};
  for (const part of EASTERN.formatToParts(new Date(wholeSeconds(epochMs)))) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.000Z`;
}

/** UTC without milliseconds, as v3 resources write it (lookup `updateTime`): "2021-08-03T18:59:52Z". */
export function v3Time(epochMs: number): string {
  return `${iicsUtcTime(epochMs).slice(0, 19)}Z`;
}
