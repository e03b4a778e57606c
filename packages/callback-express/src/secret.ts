import { createHash, timingSafeEqual } from 'node:crypto';

/** The query parameter, and the header, that carry the secret. */
export const SECRET_QUERY_PARAMETER = 'secret';
export const SECRET_HEADER = 'x-callback-secret';

export interface CallbackUrlOptions {
  /** The token the receiver's `secret` option expects. */
  secret?: string;
  /** Where to put it: `"query"` (default, `?secret=…`) or `"path"` (a last path segment, `/…`). */
  placement?: 'query' | 'path';
}

/**
 * The URL to pass as `callbackURL` when starting a job: `baseUrl` with the secret added (URL-encoded),
 * in the query by default. Without a secret, `baseUrl` checked and normalised.
 */
export function callbackUrl(baseUrl: string | URL, options: CallbackUrlOptions = {}): string {
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new TypeError(`callbackUrl: baseUrl must be an absolute http(s) URL, got ${JSON.stringify(String(baseUrl))}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`callbackUrl: baseUrl must use http or https, got ${url.protocol}`);
  }
  const { placement = 'query' } = options;
  if (!('secret' in options)) return url.toString();
  const secret = secretsFrom(options.secret, 'callbackUrl', false)[0]!;
  if (placement === 'query') {
    url.searchParams.set(SECRET_QUERY_PARAMETER, secret);
  } else if (placement === 'path') {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(secret)}`;
  } else {
    throw new TypeError(`callbackUrl: placement must be "query" or "path", got ${JSON.stringify(placement)}`);
  }
  return url.toString();
}

/**
 * The `secret` option, checked: a key that is present must hold a token. `secret: undefined` (or
 * null, or "") almost always comes from an unset environment variable, and reading it as "no secret"
 * would turn authentication off without a word.
 */
export function secretsFrom(value: unknown, caller: string, allowList = true): string[] {
  const what = allowList ? 'a non-empty string or a non-empty array of them' : 'a non-empty string';
  if (value === undefined || value === null || value === '') {
    const shown = value === '' ? 'an empty string' : String(value);
    throw new TypeError(
      `${caller}: secret must be ${what}, got ${shown}: most likely the environment variable it is read from ` +
        '(e.g. process.env.CALLBACK_SECRET) is not set. Set it, or leave the secret option out to accept callbacks without one.',
    );
  }
  const list = typeof value === 'string' ? [value] : allowList && Array.isArray(value) ? [...(value as unknown[])] : [];
  if (list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new TypeError(`${caller}: secret must be ${what}; got ${Array.isArray(value) ? 'an array with an empty or non-string item' : typeof value}. If it comes from an environment variable, check that the variable is set.`);
  }
  return list as string[];
}

export interface SecretCheck {
  ok: boolean;
  /** The request path with a secret path segment replaced by "[secret]", safe to show the handler and logs. */
  path: string;
}

/** Splits a request target into its path and its query, without trusting it to be a valid URL. */
export function splitTarget(target: string): { path: string; query: string } {
  const at = target.indexOf('?');
  return at === -1 ? { path: target, query: '' } : { path: target.slice(0, at), query: target.slice(at + 1) };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Compares through SHA-256 digests so that the time taken says nothing about the secret, its length
 * included. Every candidate is compared with every secret, whether or not one already matched.
 */
export function createSecretChecker(secrets: readonly string[]): (target: string, headerValue: string | undefined) => SecretCheck {
  const expected = secrets.map(digest);
  const matches = (candidate: string): boolean => {
    const got = digest(candidate);
    let found = false;
    for (const e of expected) found = timingSafeEqual(got, e) || found;
    return found;
  };
  return (target, headerValue) => {
    const { path, query } = splitTarget(target);
    let ok = false;
    if (headerValue !== undefined) ok = matches(headerValue) || ok;
    const fromQuery = new URLSearchParams(query).get(SECRET_QUERY_PARAMETER);
    if (fromQuery !== null) ok = matches(fromQuery) || ok;
    const segments = path.split('/');
    const shown = segments.map((segment) => {
      if (segment === '') return segment;
      if (matches(decodeSegment(segment))) {
        ok = true;
        return '[secret]';
      }
      return segment;
    });
    return { ok, path: shown.join('/') };
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
