/** What the dashboard shows of a recorded value: passwords, session ids, secrets and URL query values masked. */
const SECRET_KEY = /pass(word)?|session[-_]?id|secret|token|signature|sig$|^key$|api[-_]?key|authorization/i;
const MASK = '********';

export function maskValue(value: unknown, depth = 0): unknown {
  if (depth > 20) return MASK;
  if (typeof value === 'string') return maskUrl(value);
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) && item !== undefined && item !== null && item !== '' ? MASK : maskValue(item, depth + 1);
    return out;
  }
  return value;
}

/** A URL keeps its origin, path and query names; every query value (where callback secrets go) is masked. */
export function maskUrl(text: string): string {
  if (!/^https?:\/\//i.test(text)) return text;
  try {
    const url = new URL(text);
    if (url.username || url.password) {
      url.username = url.username ? 'user' : '';
      url.password = url.password ? MASK : '';
    }
    for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, MASK);
    return url.toString();
  } catch {
    return text;
  }
}

/** A recorded query: values of secret-looking names masked. */
export function maskQuery(query: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(query)) out[key] = SECRET_KEY.test(key) ? MASK : maskUrl(item);
  return out;
}
