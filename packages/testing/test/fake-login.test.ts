import { parseLoginV2Response, parseLoginV3Response, parseLookupResponse } from '@iics-jobs/schema';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createManualClock, startFakeIics, type FakeIics, type ManualClock } from '../src/index.js';
import { call, expectV2Error, expectV3Error, expectValid, loginV2 } from './helpers.js';

let fake: FakeIics;
let clock: ManualClock;
beforeAll(async () => {
  clock = createManualClock({ start: Date.parse('2024-05-02T14:00:00Z') });
  fake = await startFakeIics({ clock, users: [{ username: 'jdoe@example.com', password: 's3cret!' }, { username: 'ops', password: 'ops-pass' }] });
});
afterAll(() => fake.close());
afterEach(() => expect(fake.violations).toEqual([]));

const v2Login = (body: unknown) => call(fake.loginUrl, 'POST', '/ma/api/v2/user/login', { body });
const v3Login = (body: unknown) => call(fake.loginUrl, 'POST', '/saas/public/core/v3/login', { body });

describe('v2 login', () => {
  test('returns the user object with serverUrl and icSessionId, password masked, no @type', async () => {
    const answer = await v2Login({ '@type': 'login', username: 'jdoe@example.com', password: 's3cret!' });
    expect(answer.status).toBe(200);
    expectValid(parseLoginV2Response, answer.body);
    expect(answer.body.serverUrl).toBe(fake.serverUrl);
    expect(new URL(fake.serverUrl).origin).not.toBe(fake.loginUrl);
    expect(fake.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(answer.body.icSessionId).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(answer.body.password).toBe('********');
    expect(answer.body['@type']).toBeUndefined();
    expect(answer.body.orgId).toHaveLength(6);
    expect(answer.body.orgUuid).toHaveLength(22);
    expect(fake.credentials).toEqual({ username: 'jdoe@example.com', password: 's3cret!' });
  });

  test('@type is optional; any configured user can log in', async () => {
    const answer = await v2Login({ username: 'ops', password: 'ops-pass' });
    expect(answer.status).toBe(200);
    expect(answer.body.name).toBe('ops');
  });

  test('wrong credentials: 403 with the UI_10000 error object', async () => {
    const answer = await v2Login({ '@type': 'login', username: 'jdoe@example.com', password: 'wrong' });
    expectV2Error(answer, 403, 'UI_10000');
    expect(answer.body.description).toBe('User name or password is not valid.');
    const unknown = await v2Login({ username: 'nobody', password: 's3cret!' });
    expectV2Error(unknown, 403, 'UI_10000');
  });

  test('malformed requests: 400 naming the field, never a crash', async () => {
    const missing = await v2Login({ '@type': 'login', username: 'jdoe@example.com' });
    expectV2Error(missing, 400);
    expect(missing.body.description).toMatch(/password is required/);
    // An unknown member is ignored (see fake-request-members.test.ts): the credentials are what is wrong.
    expectV2Error(await v2Login({ username: 'a', password: 'b', icSessionId: 'x' }), 403);
    const notJson = await call(fake.loginUrl, 'POST', '/ma/api/v2/user/login', { rawBody: '{"username":', headers: { 'content-type': 'application/json' } });
    expectV2Error(notJson, 400);
    expect(notJson.body.description).toMatch(/not valid JSON/);
    const empty = await call(fake.loginUrl, 'POST', '/ma/api/v2/user/login', {});
    expectV2Error(empty, 400);
    const xml = await call(fake.loginUrl, 'POST', '/ma/api/v2/user/login', { rawBody: '<login/>', headers: { 'content-type': 'application/xml' } });
    expectV2Error(xml, 415);
    const array = await v2Login([]);
    expectV2Error(array, 400);
    const huge = await v2Login({ username: 'x'.repeat(1024 * 1024), password: 'y' });
    expectV2Error(huge, 413);
  });

  test('recorded requests never hold the password', async () => {
    await v2Login({ '@type': 'login', username: 'jdoe@example.com', password: 's3cret!' });
    const logins = fake.requests.filter((r) => r.route === 'loginV2');
    expect(logins.length).toBeGreaterThan(0);
    expect(JSON.stringify(fake.requests)).not.toContain('s3cret!');
    expect(logins.at(-1)).toMatchObject({ method: 'POST', path: '/ma/api/v2/user/login', status: 200, body: { password: '********' } });
  });

  test('loginFailureStatus: 400 on PODs that answer so', async () => {
    const other = await startFakeIics({ loginFailureStatus: 400 });
    try {
      const answer = await call(other.loginUrl, 'POST', '/ma/api/v2/user/login', { body: { username: 'x', password: 'y' } });
      expectV2Error(answer, 400, 'UI_10000');
      const v3 = await call(other.loginUrl, 'POST', '/saas/public/core/v3/login', { body: { username: 'x', password: 'y' } });
      expectV3Error(v3, 400, 'IDS_085');
    } finally {
      await other.close();
    }
  });
});

describe('v3 login', () => {
  test('returns products[].baseApiUrl and userInfo.sessionId', async () => {
    const answer = await v3Login({ username: 'jdoe@example.com', password: 's3cret!' });
    expect(answer.status).toBe(200);
    expectValid(parseLoginV3Response, answer.body);
    expect(answer.body.products[0].baseApiUrl).toBe(fake.serverUrl);
    expect(answer.body.userInfo.sessionId).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(answer.body.userInfo.orgId).toHaveLength(22);
  });

  test('wrong credentials and malformed requests get v3 error objects', async () => {
    expectV3Error(await v3Login({ username: 'jdoe@example.com', password: 'nope' }), 403, 'IDS_085');
    // The v2 body's "@type" is unknown to v3: ignored and warned about, as any unknown member.
    const withType = await v3Login({ '@type': 'login', username: 'jdoe@example.com', password: 's3cret!' });
    expect(withType.status).toBe(200);
    expect(fake.warnings.at(-1)).toMatch(/v3\/login: ignored unknown member \/@type$/);
    expectV3Error(await v3Login({ username: '' }), 400);
  });
});

describe('sessions', () => {
  test('the same session id works in icSessionId and INFA-SESSION-ID, from either login', async () => {
    const v2 = await loginV2(fake);
    const monitorV3Header = await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session: v2.session, sessionHeader: 'INFA-SESSION-ID' });
    expect(monitorV3Header.status).toBe(200);
    const lookup = await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', {
      session: v2.session,
      sessionHeader: 'INFA-SESSION-ID',
      body: { objects: [{ path: 'Default/MT_Load', type: 'MTT' }] },
    });
    expect(lookup.status).toBe(200);
    expectValid(parseLookupResponse, lookup.body);

    const v3 = (await v3Login({ username: 'jdoe@example.com', password: 's3cret!' })).body.userInfo.sessionId as string;
    const monitorV2Header = await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session: v3 });
    expect(monitorV2Header.status).toBe(200);
    const lookupV2Header = await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', { session: v3, body: { objects: [{ path: 'Default/MT_Load', type: 'mtt' }] } });
    expect(lookupV2Header.status).toBe(200);
  });

  test('missing or unknown session: 401 with the v2 error object (v3 object on v3 resources)', async () => {
    expectV2Error(await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor'), 401);
    expectV2Error(await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session: 'AAAAAAAAAAAAAAAAAAAAAA' }), 401);
    expectV2Error(await call(fake.serverUrl, 'POST', '/api/v2/job', { body: { taskName: 'MT_Load', taskType: 'MTT' } }), 401);
    expectV3Error(await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', { body: { objects: [{ id: 'x' }] } }), 401);
    expectV3Error(await call(fake.loginUrl, 'POST', '/saas/public/core/v3/logout'), 401);
    expectV2Error(await call(fake.serverUrl, 'POST', '/api/v2/user/logout', { session: 'unknown' }), 401);
  });

  test('a session expires after 30 idle minutes of fake time; each use renews it', async () => {
    const { session } = await loginV2(fake);
    const monitor = () => call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session });
    clock.advance(29 * 60_000);
    expect((await monitor()).status).toBe(200);
    clock.advance(29 * 60_000);
    expect((await monitor()).status).toBe(200);
    clock.advance(30 * 60_000 + 1);
    const expired = await monitor();
    expectV2Error(expired, 401);
    expect(expired.body.description).toMatch(/expired/);
    // An expired session does not come back.
    expectV2Error(await monitor(), 401);
  });

  test('an expired session on a v3 route: 401 with the v3 error object, as the README says', async () => {
    const { session } = await loginV2(fake);
    clock.advance(30 * 60_000 + 1);
    const expired = await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', { session, sessionHeader: 'INFA-SESSION-ID', body: { objects: [{ path: 'Default/MT_Load', type: 'MTT' }] } });
    expectV3Error(expired, 401, 'AUTH_01');
    expect(expired.body.error.message).toMatch(/expired/);
  });

  test('v2 and v3 logout end the session', async () => {
    const first = await loginV2(fake);
    const out = await call(fake.serverUrl, 'POST', '/api/v2/user/logout', { session: first.session });
    expect(out.status).toBe(200);
    expect(out.text).toBe('');
    expectV2Error(await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session: first.session }), 401);

    const second = await loginV2(fake);
    const out3 = await call(fake.loginUrl, 'POST', '/saas/public/core/v3/logout', { session: second.session, sessionHeader: 'INFA-SESSION-ID' });
    expect(out3.status).toBe(200);
    expectV2Error(await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session: second.session }), 401);
  });

  test('faults.expireSessions(): every session gets 401 on its next use', async () => {
    const a = await loginV2(fake);
    const b = await loginV2(fake);
    fake.faults.expireSessions();
    expectV2Error(await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session: a.session }), 401);
    expectV2Error(await call(fake.serverUrl, 'GET', '/api/v2/activity/activityLog', { session: b.session }), 401);
    const c = await loginV2(fake);
    expect((await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session: c.session })).status).toBe(200);
  });
});

describe('unknown resources', () => {
  test('an unknown path is 404 with an HTML "Resource not found." page, as the real service; a wrong method is 405', async () => {
    const { session } = await loginV2(fake);
    for (const [base, path] of [[fake.serverUrl, '/api/v2/task'], [fake.serverUrl, '/public/core/v3/agents'], [fake.loginUrl, '/saas/api/v2/job']] as const) {
      const res = await fetch(`${base}${path}`, { headers: { icSessionId: session, accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const text = await res.text();
      expect(text).toMatch(/^<!DOCTYPE html>/);
      expect(text).toContain('Resource not found.');
    }
    expectV2Error(await call(fake.loginUrl, 'GET', '/ma/api/v2/user/login'), 405);
    expectV2Error(await call(fake.serverUrl, 'GET', '/api/v2/job', { session }), 405);
    expectV3Error(await call(fake.serverUrl, 'GET', '/public/core/v3/lookup', { session }), 405);
  });
});
