/** Checks a duration option and names it in the error: `above0` for timeouts, `atLeast0` for delays and gaps. */
export function checkMs(value: unknown, name: string, bound: 'above0' | 'atLeast0'): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (bound === 'above0' ? value > 0 : value >= 0);
  if (!ok) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
    throw new RangeError(`${name} must be a finite number of ms ${bound === 'above0' ? 'above 0' : '>= 0'}, got ${shown}`);
  }
  return value as number;
}

/** Checks a list of delays in ms, such as a callback retry schedule. */
export function checkDelays(value: unknown, name: string): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of delays in ms`);
  value.forEach((delay, i) => checkMs(delay, `${name}[${i}]`, 'atLeast0'));
  return value as number[];
}
