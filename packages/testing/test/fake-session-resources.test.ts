import { parseServerTimeResponse, parseValidatedTokenResponse } from '@iics-jobs/schema';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createManualClock, startFakeIics, type FakeIics, type ManualClock } from '../src/index.js';
import { expectV2Error, expectValid, loginV2 } from './helpers.js';

// Resources that job-running clients call besides the job ones, asked with plain undici requests.
let fake: FakeIics;
let clock: ManualClock;
const START = Date.parse('2024-01-15T15:00:00Z');

async function send(base: string, method: 'GET' | 'POST', path: string, options: { body?: unknown; session?: string } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.session) headers.icSessionId = options.session;
  const res = await request(`${base}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.body.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, text };
}

const validate = (icToken: string, extra: Record<string, unknown> = {}) =>
  send(fake.serverUrl, 'POST', '/api/v2/user/validSessionId', { body: { '@type': 'validatedToken', userName: fake.credentials.username, icToken, ...extra } });

beforeAll(async () => {
  clock = createManualClock({ start: START });
  fake = await startFakeIics({ clock, sessionIdleMs: 30 * 60_000 });
});
afterAll(() => fake.close());
afterEach(() => expect(fake.violations).toEqual([]));

describe('POST /api/v2/user/validSessionId', () => {
  test('a live session: isValidToken true and its minutes left; the check does not extend it; expired: false', async () => {
    const { session } = await loginV2(fake);
    const fresh = await validate(session);
    expect(fresh.status).toBe(200);
    expectValid(parseValidatedTokenResponse, fresh.body);
    expect(fresh.body).toEqual({ '@type': 'validatedToken', timeUntilExpire: 30, isValidToken: true });

    clock.advance(10 * 60_000 + 1);
    expect((await validate(session)).body).toMatchObject({ isValidToken: true, timeUntilExpire: 19 });
    // Checking is not using: 20 more idle minutes and the session is gone, for this resource and for the others.
    clock.advance(20 * 60_000);
    expect((await validate(session)).body).toEqual({ '@type': 'validatedToken', timeUntilExpire: 0, isValidToken: false });
    expect((await send(fake.serverUrl, 'GET', '/api/v2/server/serverTime', { session })).status).toBe(401);
  });

  test('no session header needed; another user, an unknown token: false; no icToken: a 400 naming it', async () => {
    const { session } = await loginV2(fake);
    expect((await validate(session, { userName: 'someone.else@example.com' })).body.isValidToken).toBe(false);
    expect((await validate('AAAAAAAAAAAAAAAAAAAAAA')).body.isValidToken).toBe(false);
    const missing = await send(fake.serverUrl, 'POST', '/api/v2/user/validSessionId', { body: { '@type': 'validatedToken' } });
    expectV2Error(missing, 400);
    expect(missing.body.description).toContain('icToken');
  });

  test('on the POD origin only, as every resource after login', async () => {
    const { session } = await loginV2(fake);
    const onLogin = await send(fake.loginUrl, 'POST', '/saas/api/v2/user/validSessionId', { body: { '@type': 'validatedToken', icToken: session } });
    expect(onLogin.status).toBe(404);
  });
});

describe('GET /api/v2/server/serverTime', () => {
  test('the fake clock in UTC, with a session; without one: 401', async () => {
    const { session } = await loginV2(fake);
    const answer = await send(fake.serverUrl, 'GET', '/api/v2/server/serverTime', { session });
    expect(answer.status).toBe(200);
    expectValid(parseServerTimeResponse, answer.body);
    // IICS writes times to the second.
    expect(Date.parse(answer.body.time)).toBe(Math.floor(clock.now() / 1000) * 1000);
    expect(answer.body.time).toMatch(/Z$/);
    expectV2Error(await send(fake.serverUrl, 'GET', '/api/v2/server/serverTime'), 401);
    expect(fake.requests.at(-1)).toMatchObject({ route: 'serverTime', status: 401 });
  });
});
