const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * "10s", "2h", "1h30m", "500ms", or a bare number of seconds → whole milliseconds (at least 1).
 * Returns undefined for anything else (the caller names the option in its message). There is no
 * upper bound here: each option has its own, checked by the caller with a message naming the option.
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  let total: number;
  if (/^\d+(\.\d+)?$/.test(s)) {
    total = Number(s) * 1000;
  } else {
    if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(s)) return undefined;
    total = 0;
    for (const match of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  const ms = Math.round(total);
  // A number too large to hold is Infinity: over any limit, which the caller reports as such.
  return ms > 0 ? ms : undefined;
}

/**
 * A duration flag's value (undefined when the flag was not given) in ms, at most `maxMs`; a bad value throws
 * `usageError(message)` with a message naming the flag and the accepted forms.
 */
export function durationFlag(value: unknown, flag: string, maxMs: number, usageError: (message: string) => Error): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw usageError(`${flag} must be a duration such as 500ms, 10s, 5m, 2h or 1h30m (got "${value}").`);
  if (ms > maxMs) throw usageError(`${flag} must be at most ${formatDuration(maxMs)} (got "${value}").`);
  return ms;
}

/** 7_200_000 → "2h", 86_400_000 → "24h", 90_000 → "1m30s", 1500 → "1s500ms": for messages. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('') || '0ms';
}

/** 65_000 → "1:05", 3_725_000 → "1:02:05". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
