import { getGlobalDispatcher } from 'undici';
import { describe, expect, test } from 'vitest';
import { IicsAuthError, IicsClientClosedError, IicsError, type JobStatus } from '../src/index.js';
import { clientFor, count, fake } from './helpers/fake.js';

describe('login', () => {
  test.each([
    ['v2', 'loginV2', 'loginV3'],
    ['v3', 'loginV3', 'loginV2'],
  ] as const)('%s: logs in lazily, once, and runs a job', async (apiVersion, used, unused) => {
    const server = await fake();
    const globalBefore = getGlobalDispatcher();
    const { client } = clientFor(server, { apiVersion });
    expect(server.requests).toHaveLength(0);
    const final = await client.jobs.run({ taskName: 'MT_Load', taskType: 'MTT' }, { pollIntervalMs: 5 });
    expect(final.state).toBe('SUCCESS');
    expect(count(server, used)).toBe(1);
    expect(count(server, unused)).toBe(0);
    // The fake masks the password in what it records; the user name is what was sent.
    const login = server.requests.find((r) => r.route === used)!;
    expect(login.body).toMatchObject({ username: server.credentials.username });
    // The client brings its own Agent; the process-wide dispatcher stays as it was.
    expect(getGlobalDispatcher()).toBe(globalBefore);
  });

  test('one login however many calls wait for it', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    await Promise.all(Array.from({ length: 8 }, () => client.jobs.status(started)));
    expect(count(server, 'loginV2')).toBe(1);
  });

  test.each([
    ['v2', undefined, 403, 'UI_10000'],
    ['v2', 400, 400, 'UI_10000'],
    ['v3', undefined, 403, undefined],
  ] as const)('wrong password (%s, POD answering %s) → IICS_AUTH_FAILED, not retried', async (apiVersion, loginFailureStatus, status, iicsCode) => {
    const server = await fake(loginFailureStatus ? { loginFailureStatus } : {});
    const { client, logs } = clientFor(server, { apiVersion, password: 'wrong-password-123' });
    const error = (await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsAuthError;
    expect(error).toBeInstanceOf(IicsAuthError);
    expect(error.code).toBe('IICS_AUTH_FAILED');
    expect(error.status).toBe(status);
    if (iicsCode) expect(error.iicsCode).toBe(iicsCode);
    else expect(error.iicsCode).toMatch(/\S/);
    expect(error.message).not.toContain('wrong-password-123');
    expect(logs.join('\n')).not.toContain('wrong-password-123');
    expect(count(server, apiVersion === 'v2' ? 'loginV2' : 'loginV3')).toBe(1);
    expect(count(server, 'job')).toBe(0);
  });

  test.each([
    ['jobs.start', (c: ReturnType<typeof clientFor>['client']) => c.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' })],
    ['jobs.stop', (c: ReturnType<typeof clientFor>['client']) => c.jobs.stop({ taskName: 'MT_Load', taskType: 'MTT' })],
    ['tasks.lookup', (c: ReturnType<typeof clientFor>['client']) => c.tasks.lookup({ path: 'Sales/TEST/MT_Sales', type: 'MTT' })],
  ])('a login answering 404 is a login error in %s, not "no such task"', async (_, call) => {
    const server = await fake();
    server.faults.failNext('loginV2', 1, 404);
    const { client } = clientFor(server);
    const error = await call(client).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IICS_API_ERROR', status: 404, operation: 'POST /ma/api/v2/user/login' });
    expect(count(server, 'job') + count(server, 'stop') + count(server, 'lookup')).toBe(0);
  });

  test.each(['v2', 'v3'] as const)('logout (%s) ends the session; the next call logs in again', async (apiVersion) => {
    const server = await fake();
    const { client } = clientFor(server, { apiVersion });
    await client.tasks.lookup({ path: 'Sales/TEST/MT_Sales', type: 'MTT' });
    await client.logout();
    expect(count(server, 'logout')).toBe(1);
    const logout = server.requests.find((r) => r.route === 'logout')!;
    expect(logout.status).toBe(200);
    expect(logout.path).toBe(apiVersion === 'v2' ? '/saas/api/v2/user/logout' : '/saas/public/core/v3/logout');
    await client.jobs.status({ taskId: server.tasks[0]!.id, runId: 1 });
    expect(count(server, apiVersion === 'v2' ? 'loginV2' : 'loginV3')).toBe(2);
  });
});

describe('session expiry', () => {
  test('mid-wait: one re-login, the wait goes on to the end', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Slow', type: 'MTT', queuedMs: 0, durationMs: 300_000 }] });
    const { client, logs } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Slow', taskType: 'MTT' });
    let expired = false;
    const updates: JobStatus[] = [];
    const final = await client.jobs.wait(started, {
      pollIntervalMs: 10,
      onUpdate: (s) => {
        updates.push(s);
        if (!expired && s.state === 'RUNNING') {
          expired = true;
          server.faults.expireSessions();
        }
      },
    });
    expect(expired).toBe(true);
    expect(final.state).toBe('SUCCESS');
    expect(count(server, 'loginV2')).toBe(2);
    // Exactly one request was refused with 401 and replayed.
    expect(server.requests.filter((r) => r.status === 401)).toHaveLength(1);
    expect(logs.some((l) => l.includes('logging in again'))).toBe(true);
  });

  test('idle expiry between calls is handled the same way', async () => {
    const server = await fake({ sessionIdleMs: 60_000 });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    // 60 000 fake ms idle = 60 real ms at this scale.
    await new Promise((resolve) => setTimeout(resolve, 120));
    const status = await client.jobs.status(started);
    expect(status.terminal).toBe(true);
    expect(count(server, 'loginV2')).toBe(2);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('close() while a login is under way', () => {
  test('in a login back-off: every waiting call rejects with IICS_CLIENT_CLOSED, not a bare AbortError', async () => {
    const server = await fake();
    server.faults.failNext('loginV2', 100, 503);
    // A back-off of 30 to 60 s: close() certainly comes during it.
    const { client, logs } = clientFor(server, { retry: { retries: 5, minDelayMs: 60_000, maxDelayMs: 60_000 } });
    const status = client.jobs.status({ taskId: server.tasks[0]!.id, runId: 1 }).catch((e: unknown) => e);
    const lookup = client.tasks.lookup({ path: 'Sales/TEST/MT_Sales', type: 'MTT' }).catch((e: unknown) => e);
    await until(() => logs.some((l) => l.startsWith('warn Login failed; retry 1 of 5')));
    const started = Date.now();
    await client.close();
    for (const error of [await status, await lookup]) {
      expect(error).toBeInstanceOf(IicsError);
      expect(error).toBeInstanceOf(IicsClientClosedError);
      expect(error).toMatchObject({ code: 'IICS_CLIENT_CLOSED', name: 'IicsClientClosedError' });
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(count(server, 'loginV2')).toBe(1);
    // A later call does not try to log in again.
    await expect(client.jobs.status({ taskId: server.tasks[0]!.id, runId: 1 })).rejects.toMatchObject({ code: 'IICS_CLIENT_CLOSED' });
    expect(count(server, 'loginV2')).toBe(1);
  });

  test('with the login request in flight: IICS_CLIENT_CLOSED, not IICS_ABORTED (the caller aborted nothing)', async () => {
    const server = await fake();
    server.faults.latency('loginV2', 3_000);
    const { client } = clientFor(server);
    const status = client.jobs.status({ taskId: server.tasks[0]!.id, runId: 1 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.close();
    expect(await status).toMatchObject({ code: 'IICS_CLIENT_CLOSED' });
  });
});
