import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startFakeIics, type FakeIics } from '../src/index.js';
import { call, loginV2 } from './helpers.js';

let fake: FakeIics;
beforeAll(async () => {
  fake = await startFakeIics();
});
afterAll(() => fake.close());
afterEach(() => expect(fake.violations).toEqual([]));

const originOf = (url: string): string => new URL(url).origin;

describe('two origins: the login host and the POD host', () => {
  test('serverUrl and baseApiUrl name the POD host, a listener of its own; login returns them', async () => {
    expect(originOf(fake.serverUrl)).not.toBe(fake.loginUrl);
    expect(fake.serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/saas$/);
    expect(fake.baseApiUrl).toBe(fake.serverUrl);
    const v2 = await call(fake.loginUrl, 'POST', '/ma/api/v2/user/login', { body: { '@type': 'login', ...fake.credentials } });
    expect(v2.body.serverUrl).toBe(fake.serverUrl);
    const v3 = await call(fake.loginUrl, 'POST', '/saas/public/core/v3/login', { body: fake.credentials });
    expect(v3.body.products[0].baseApiUrl).toBe(fake.baseApiUrl);
  });

  test('a client that builds API URLs from the login host instead of serverUrl fails: 404 for every resource', async () => {
    const seen = fake.requests.length;
    const { session } = await loginV2(fake);
    // What a naive client does: the login host plus "/saas".
    const wrongBase = `${fake.loginUrl}/saas`;
    const body = { '@type': 'job', taskName: 'MT_Load', taskType: 'MTT' };
    const attempts = [
      call(wrongBase, 'POST', '/api/v2/job', { session, body }),
      call(wrongBase, 'POST', '/api/v2/job/stop', { session, body }),
      call(wrongBase, 'GET', '/api/v2/activity/activityMonitor', { session }),
      call(wrongBase, 'GET', '/api/v2/activity/activityLog', { session }),
      call(wrongBase, 'GET', '/api/v2/activity/activityLog/0119Y4C1000000000QEH', { session }),
      call(wrongBase, 'POST', '/public/core/v3/lookup', { session, sessionHeader: 'INFA-SESSION-ID', body: { objects: [{ path: 'Default/MT_Load', type: 'MTT' }] } }),
      call(wrongBase, 'POST', '/api/v2/user/logout', { session }),
    ];
    expect((await Promise.all(attempts)).map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    // Nothing ran, and the session still works where serverUrl points.
    expect(fake.runs).toHaveLength(0);
    const right = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body });
    expect(right.status).toBe(200);
    const onLogin = fake.requests.slice(seen).filter((r) => r.origin === 'login');
    expect(onLogin.map((r) => r.status)).toEqual([200, 404, 404, 404, 404, 404, 404, 404]);
    expect(fake.requests.at(-1)).toMatchObject({ origin: 'pod', path: '/saas/api/v2/job', route: 'job', status: 200 });
  });

  test('the POD host does not log in; v3 logout is answered on both hosts', async () => {
    expect((await call(originOf(fake.serverUrl), 'POST', '/ma/api/v2/user/login', { body: { '@type': 'login', ...fake.credentials } })).status).toBe(404);
    expect((await call(fake.serverUrl, 'POST', '/public/core/v3/login', { body: fake.credentials })).status).toBe(404);
    for (const base of [fake.loginUrl, originOf(fake.serverUrl)]) {
      const { session } = await loginV2(fake);
      const out = await call(base, 'POST', '/saas/public/core/v3/logout', { session, sessionHeader: 'INFA-SESSION-ID' });
      expect(out.status).toBe(200);
      expect((await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session })).status).toBe(401);
    }
  });
});

describe('ports', () => {
  test('podPort puts the POD host on that port; the same port as the login host is refused', async () => {
    const free = await freePort();
    const pinned = await startFakeIics({ podPort: free });
    try {
      expect(pinned.serverUrl).toBe(`http://127.0.0.1:${free}/saas`);
      const { session } = await loginV2(pinned);
      expect((await call(pinned.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session })).status).toBe(200);
    } finally {
      await pinned.close();
    }
    await expect(startFakeIics({ port: free, podPort: free })).rejects.toThrow(/podPort must differ from port/);
    await expect(startFakeIics({ podPort: 70_000 })).rejects.toThrow(/podPort must be an integer from 0 to 65535/);
  });

  test('a POD port that is taken: startFakeIics rejects and leaves no login listener behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const loginPort = await freePort();
    try {
      await expect(startFakeIics({ port: loginPort, podPort: taken })).rejects.toThrow(/EADDRINUSE/);
      // The login port is free again: a second fake can take it.
      const again = await startFakeIics({ port: loginPort });
      await again.close();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
