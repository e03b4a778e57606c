import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startFakeIics, type FakeIics } from '../src/index.js';
import { call, expectV2Error, expectV3Error, loginV2 } from './helpers.js';

let fake: FakeIics;
let session: string;
const monitor = () => call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session });
const startLoad = () => call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskName: 'MT_Load', taskType: 'MTT' } });

beforeAll(async () => {
  fake = await startFakeIics({ timeScale: 0.001 });
  session = (await loginV2(fake)).session;
});
afterAll(() => fake.close());
afterEach(() => {
  expect(fake.violations).toEqual([]);
  fake.faults.reset();
});

describe('faults', () => {
  test('latency delays the requests of one route by real ms', async () => {
    fake.faults.latency('activityMonitor', 300);
    const before = Date.now();
    expect((await monitor()).status).toBe(200);
    expect(Date.now() - before).toBeGreaterThanOrEqual(290);
    fake.faults.latency('activityMonitor', 0);
    fake.faults.latency('*', 100_000, 'fake');
    const beforeFake = fake.clock.now();
    expect((await call(fake.serverUrl, 'GET', '/api/v2/activity/activityLog', { session })).status).toBe(200);
    expect(fake.clock.now() - beforeFake).toBeGreaterThanOrEqual(100_000);
  });

  test('failNext answers the next N requests of the route with 503 (default) and the error object', async () => {
    fake.faults.failNext('job', 2);
    const first = await startLoad();
    expectV2Error(first, 503, 'SERVICE_UNAVAILABLE');
    expectV2Error(await startLoad(), 503);
    const third = await startLoad();
    expect(third.status).toBe(200);
    // A refused start starts nothing.
    expect(fake.runs.filter((r) => r.taskName === 'MT_Load').map((r) => r.runId)).toEqual([third.body.runId]);
    expect(third.body.runId).toBe(1);
  });

  test('failNext with 429: "too many requests", in the v3 object on v3 routes', async () => {
    fake.faults.failNext('lookup', 1, 429);
    const limited = await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', { session, body: { objects: [{ path: 'Default/MT_Load', type: 'MTT' }] } });
    expectV3Error(limited, 429, 'TOO_MANY_REQUESTS');
    expect(limited.body.error.message).toBe('too many requests');
    fake.faults.failNext('activityLog', 1, 429);
    const v2 = await call(fake.serverUrl, 'GET', '/api/v2/activity/activityLog', { session });
    expectV2Error(v2, 429);
    expect(v2.body.description).toBe('too many requests');
  });

  test('failNext on every route ("*") and on login', async () => {
    fake.faults.failNext('*', 1, 500);
    expectV2Error(await monitor(), 500);
    expect((await monitor()).status).toBe(200);
    fake.faults.failNext('loginV2', 1);
    expectV2Error(await call(fake.loginUrl, 'POST', '/ma/api/v2/user/login', { body: fake.credentials }), 503);
    fake.faults.failNext('loginV3', 1, 502);
    expectV3Error(await call(fake.loginUrl, 'POST', '/saas/public/core/v3/login', { body: fake.credentials }), 502);
    fake.faults.failNext('logout', 1);
    expectV2Error(await call(fake.serverUrl, 'POST', '/api/v2/user/logout', { session }), 503);
    fake.faults.failNext('stop', 1, 504);
    expectV2Error(await call(fake.serverUrl, 'POST', '/api/v2/job/stop', { session, body: { taskName: 'MT_Load', taskType: 'MTT' } }), 504);
  });

  test('dropNext destroys the connection without an answer', async () => {
    fake.faults.dropNext('activityMonitor', 1);
    await expect(monitor()).rejects.toThrow();
    expect(fake.requests.at(-1)).toMatchObject({ route: 'activityMonitor', dropped: true });
    expect(fake.requests.at(-1)!.status).toBeUndefined();
    expect((await monitor()).status).toBe(200);
  });

  test('reset removes latency, pending failures and drops', async () => {
    fake.faults.latency('*', 5_000);
    fake.faults.failNext('activityMonitor', 5);
    fake.faults.dropNext('activityMonitor', 5);
    fake.faults.reset();
    expect((await monitor()).status).toBe(200);
  });

  test('bad fault arguments are refused with a clear error', () => {
    expect(() => fake.faults.failNext('jobs' as never, 1)).toThrow(/route must be one of/);
    expect(() => fake.faults.failNext('job', -1)).toThrow(/count/);
    expect(() => fake.faults.failNext('job', 1, 200)).toThrow(/400-599/);
    expect(() => fake.faults.dropNext('job', 1.5)).toThrow(/count/);
    expect(() => fake.faults.latency('job', -5)).toThrow(/latency/);
    expect(() => fake.faults.duplicateCallbacks(1, 'parallel' as never)).toThrow(/sequential/);
  });

  test('close() while a request waits on latency answers nothing and does not hang', async () => {
    const other = await startFakeIics();
    other.faults.latency('loginV2', 60_000);
    const pending = call(other.loginUrl, 'POST', '/ma/api/v2/user/login', { body: other.credentials });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.close();
    await expect(pending).rejects.toThrow();
  });
});

describe('startFakeIics options', () => {
  test('bad options and task definitions are refused with the field named', async () => {
    await expect(startFakeIics({ port: -1 })).rejects.toThrow(/port/);
    await expect(startFakeIics({ timeScale: 0 })).rejects.toThrow(/timeScale/);
    await expect(startFakeIics({ users: [] })).rejects.toThrow(/users/);
    await expect(startFakeIics({ users: [{ username: 'a', password: '' }] })).rejects.toThrow(/users\[0\]\.password/);
    await expect(startFakeIics({ sessionIdleMs: 0 })).rejects.toThrow(/sessionIdleMs/);
    await expect(startFakeIics({ loginFailureStatus: 500 as never })).rejects.toThrow(/loginFailureStatus/);
    await expect(startFakeIics({ tasks: [{ name: '', type: 'MTT' }] })).rejects.toThrow(/tasks\[0\]\.name/);
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MI_TASKX' as never }] })).rejects.toThrow(/tasks\[0\]\.type/);
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MTT', path: 'Sales/Y' }] })).rejects.toThrow(/tasks\[0\]\.path/);
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MTT', durationMs: -1 }] })).rejects.toThrow(/tasks\[0\]\.durationMs/);
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MTT', children: [] }] })).rejects.toThrow(/children/);
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MTT' }, { name: 'X', type: 'MTT' }] })).rejects.toThrow(/exists already/);
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MTT', id: 'A' }, { name: 'Y', type: 'MTT', id: 'A' }] })).rejects.toThrow(/tasks\[1\]\.id/);
    await expect(
      startFakeIics({ tasks: [{ name: 'L', type: 'WORKFLOW', children: [{ name: 'L2', type: 'WORKFLOW' }] }] }),
    ).rejects.toThrow(/children\[0\]/);
  });

  test('default tasks: a few samples in real shapes; a WORKFLOW has child tasks', () => {
    const names = fake.tasks.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['MT_Load', 'LT_Nightly', 'MT_Warning', 'MT_Fail']));
    for (const t of fake.tasks) {
      // A file ingestion task has one id, the 22-character one that mitasks and v3 lookup give.
      expect(t.id).toHaveLength(t.type === 'MI_TASK' ? 22 : 20);
      expect(t.federatedId).toHaveLength(22);
    }
    const flow = fake.tasks.find((t) => t.name === 'LT_Nightly')!;
    expect(flow.type).toBe('WORKFLOW');
    expect(flow.children.length).toBeGreaterThan(0);
    const defaulted = fake.addTask({ name: 'LT_Bare', type: 'WORKFLOW', durationMs: 10_000, queuedMs: 2_000 });
    expect(defaulted.children.map((c) => [c.name, c.durationMs])).toEqual([
      ['LT_Bare_Step1', 4_000],
      ['LT_Bare_Step2', 4_000],
    ]);
  });
});
