import { timingSafeEqual } from 'node:crypto';
import type { FakeContext, FakeRequest } from '../context.js';
import { ERROR_CODES, v3Error, type RouteResult } from '../errors.js';

export interface TaskflowCaller {
  username: string;
  auth: 'session' | 'basic';
}

// Which session header the active-bpel resources take is unconfirmed: working clients send each of these.
const SESSION_HEADERS = ['infa-session-id', 'ids-session-id', 'icsessionid'] as const;

/** The caller of an active-bpel resource: a live session in any of the headers clients use, or basic auth of a user. */
export function authenticate(ctx: FakeContext, request: FakeRequest): TaskflowCaller | RouteResult {
  for (const name of SESSION_HEADERS) {
    const value = first(request.headers[name]);
    if (value === undefined) continue;
    const username = ctx.sessions.use(value);
    if (username === undefined) return v3Error(401, ERROR_CODES.invalidSession, 'The session id is not valid or has expired. Log in again.');
    return { username, auth: 'session' };
  }
  const authorization = first(request.headers.authorization);
  const basic = authorization === undefined ? undefined : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const user = ctx.users.find((u) => u.username === username && same(u.password, password));
    if (user) return { username: user.username, auth: 'basic' };
    return v3Error(401, ERROR_CODES.invalidSession, 'The user name or password is not valid for this taskflow.');
  }
  return v3Error(401, ERROR_CODES.invalidSession, 'Authentication is required: basic auth of an allowed user, or the INFA-SESSION-ID header.');
}

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === '' ? undefined : v;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
