/**
 * IICS writes `startTime`/`endTime` as US Eastern wall-clock time with a misleading `Z`. These
 * helpers turn such a value into the real instant, honouring daylight saving time.
 */

const eastern = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const HOUR_MS = 3_600_000;
// Offsets by UTC hour. US daylight saving changes on a whole UTC hour (06:00Z / 07:00Z), so one
// offset holds for a whole hour; formatToParts costs ~10 µs and every status call needs two.
const offsetByHour = new Map<number, number>();

/** Eastern wall clock minus UTC at `instant`, in ms (-4 h in summer, -5 h in winter). */
function easternOffsetMs(instant: number): number {
  const hour = Math.floor(instant / HOUR_MS);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    if (offsetByHour.size >= 4096) offsetByHour.clear();
    offset = computeEasternOffsetMs(hour * HOUR_MS);
    offsetByHour.set(hour, offset);
  }
  return offset;
}

function computeEasternOffsetMs(instant: number): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of eastern.formatToParts(new Date(whole))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - whole;
}

/** The instant of an Eastern wall-clock time written as if it were UTC ("2021-09-23T07:38:24.000Z" → 11:38:24Z). */
export function easternToUtc(value: string): Date | undefined {
  const wall = Date.parse(value);
  if (Number.isNaN(wall)) return undefined;
  // Solve instant + offset(instant) = wall; two rounds settle it except inside the DST change hour.
  let instant = wall - easternOffsetMs(wall);
  instant = wall - easternOffsetMs(instant);
  return new Date(instant);
}

/** A real UTC timestamp ("…Utc" fields), or undefined when absent or not a date. */
export function utc(value: string | undefined | null): Date | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t);
}
