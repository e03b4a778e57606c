import http from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { startFakeIics, type FakeIics } from '../src/index.js';
import { call, loginV2, startReceiver, type Receiver } from './helpers.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((each) => each.close()));
});

async function fakeWith(options: Parameters<typeof startFakeIics>[0] = {}): Promise<FakeIics> {
  const fake = await startFakeIics(options);
  open.push(fake);
  return fake;
}

/** Reads server-sent `state` events from the dashboard until `until` accepts one. */
function watch(url: string, until: (state: any) => boolean): { states: any[]; done: Promise<any>; close(): void } {
  const states: any[] = [];
  let req: http.ClientRequest;
  const done = new Promise<any>((resolve, reject) => {
    req = http.get(url, (res) => {
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').find((line) => line.startsWith('data: '));
          if (!event.includes('event: state') || !data) continue;
          const state = JSON.parse(data.slice(6));
          states.push(state);
          if (until(state)) resolve(state);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    setTimeout(() => reject(new Error(`no matching state within 10 s (${states.length} received)`)), 10_000).unref();
  });
  return { states, done, close: () => req.destroy() };
}

describe('dashboard', () => {
  test('dashboardUrl is on the login origin and serves the page with a Content-Security-Policy', async () => {
    const fake = await fakeWith();
    expect(fake.dashboardUrl).toBe(`${fake.loginUrl}/_fake/`);
    const page = await fetch(fake.dashboardUrl!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('/_fake/app.js');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${fake.loginUrl}/_fake/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain('EventSource');
    // The dashboard's own requests are not the fake's traffic.
    expect(fake.requests).toEqual([]);
  });

  test('dashboard: false: no dashboardUrl, and /_fake/ is a 404 like any unknown resource', async () => {
    const fake = await fakeWith({ dashboard: false });
    expect(fake.dashboardUrl).toBeUndefined();
    const answer = await call(fake.loginUrl, 'GET', '/_fake/');
    expect(answer.status).toBe(404);
    expect((await call(fake.loginUrl, 'GET', '/_fake/api/state')).status).toBe(404);
    expect(fake.requests.map((r) => [r.path, r.status])).toEqual([
      ['/_fake/', 404],
      ['/_fake/api/state', 404],
    ]);
    await expect(startFakeIics({ dashboard: 'yes' as never })).rejects.toThrow(/dashboard must be true or false/);
  });

  test('the state API shows runs, requests with status and latency, and masks passwords, session ids and callback secrets', async () => {
    const receiver = await startReceiver();
    open.push(receiver);
    const fake = await fakeWith({ timeScale: 0.001 });
    const { session, serverUrl } = await loginV2(fake);
    const task = fake.tasks.find((t) => t.name === 'MT_Load')!;
    const started = await call(serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type, callbackURL: `${receiver.url}?secret=s3cr3t-value` } });
    expect(started.status).toBe(200);
    await fake.waitForRun(task.id, started.body.runId);
    await fake.waitForCallbacks();
    const state = (await call(fake.loginUrl, 'GET', '/_fake/api/state')).body;
    const text = JSON.stringify(state);
    expect(text).not.toContain('s3cr3t-value');
    expect(text).not.toContain(session);
    expect(text).not.toContain(fake.credentials.password);
    const run = state.runs.find((r: any) => r.runId === started.body.runId && r.taskId === task.id);
    expect(run).toMatchObject({ taskName: 'MT_Load', state: 'SUCCESS', callbackDelivered: true, attempts: [{ delivery: 0, status: 200 }] });
    expect(run.endedAt).toBeGreaterThan(run.startedAt);
    expect(run.rows.successTargetRows).toBeGreaterThan(0);
    expect(run.callbackURL).toContain('secret=');
    expect(state.requests.map((r: any) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/ma/api/v2/user/login', 200],
      ['POST', '/saas/api/v2/job', 200],
    ]);
    expect(state.requests[0].body.password).toBe('********');
    expect(state.requests.every((r: any) => typeof r.latencyMs === 'number' && r.latencyMs >= 0)).toBe(true);
    expect(state.tasks.map((t: any) => t.name)).toContain('MT_Load');
  });

  test('the SSE stream pushes a new state when a job starts and when it ends, and its failed callback attempt and next retry', async () => {
    let calls = 0;
    const receiver: Receiver = await startReceiver(() => (++calls === 1 ? 500 : 200));
    open.push(receiver);
    const fake = await fakeWith({ timeScale: 0.01, callbackRetrySchedule: [60_000] });
    const { session, serverUrl } = await loginV2(fake);
    const task = fake.tasks.find((t) => t.name === 'MT_Load')!;
    const sawRetry = watch(`${fake.loginUrl}/_fake/api/events`, (state) => state.runs.some((r: any) => r.attempts.length === 1 && r.attempts[0].status === 500 && r.nextRetryAt !== undefined));
    const started = await call(serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type, callbackURL: receiver.url } });
    try {
      const retrying = await sawRetry.done;
      const run = retrying.runs.find((r: any) => r.runId === started.body.runId);
      expect(run.nextRetryAt - run.attempts[0].at).toBe(60_000);
      // The first state came before the job: no runs; a later one had the run active.
      expect(sawRetry.states[0].runs).toEqual([]);
      expect(sawRetry.states.some((s) => s.runs.some((r: any) => ['QUEUED', 'INITIALIZED', 'RUNNING'].includes(r.state)))).toBe(true);
    } finally {
      sawRetry.close();
    }
    await fake.waitForCallbacks();
    const final = (await call(fake.loginUrl, 'GET', '/_fake/api/state')).body.runs[0];
    expect(final.attempts.map((a: any) => a.status)).toEqual([500, 200]);
    expect(final.nextRetryAt).toBeUndefined();
  });

  test('faults set through the JSON API: fail-next fails the next request; expire-sessions; duplicate-callbacks; reset', async () => {
    const fake = await fakeWith();
    const { session, serverUrl } = await loginV2(fake);
    const set = await call(fake.loginUrl, 'POST', '/_fake/api/faults/fail-next', { body: { route: 'job', count: 1, status: 502 } });
    expect(set.status).toBe(200);
    expect(set.body.faults.failures).toEqual([{ route: 'job', remaining: 1, status: 502 }]);
    const task = fake.tasks.find((t) => t.name === 'MT_Load')!;
    expect((await call(serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type } })).status).toBe(502);
    expect((await call(serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type } })).status).toBe(200);

    expect((await call(fake.loginUrl, 'POST', '/_fake/api/faults/duplicate-callbacks', { body: { extra: 2, mode: 'concurrent' } })).body.faults.duplicate).toEqual({ extra: 2, mode: 'concurrent' });
    expect((await call(fake.loginUrl, 'POST', '/_fake/api/faults/reset', { body: {} })).body.faults.duplicate).toEqual({ extra: 0, mode: 'sequential' });

    expect((await call(fake.loginUrl, 'POST', '/_fake/api/faults/expire-sessions')).status).toBe(200);
    expect((await call(serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type } })).status).toBe(401);
  });

  test('bad JSON API input: 400 naming the field', async () => {
    const fake = await fakeWith();
    const cases: Array<[string, unknown, string]> = [
      ['fail-next', { route: 'nope', count: 1 }, 'route'],
      ['fail-next', { route: 'job', count: -1 }, 'count'],
      ['fail-next', { route: 'job', count: 1, status: 200 }, 'status'],
      ['drop-next', { route: 'job' }, 'count'],
      ['latency', { route: 'job', ms: 'slow' }, 'ms'],
      ['latency', { route: 'job', ms: 5, unit: 'hours' }, 'unit'],
      ['duplicate-callbacks', { extra: 1.5 }, 'extra'],
      ['duplicate-callbacks', { extra: 1, mode: 'parallel' }, 'mode'],
      ['fail-next', [1, 2], 'body'],
    ];
    for (const [fault, body, field] of cases) {
      const answer = await call(fake.loginUrl, 'POST', `/_fake/api/faults/${fault}`, { body });
      expect([fault, answer.status, answer.body.error.field]).toEqual([fault, 400, field]);
      expect(answer.body.error.message).toContain(field);
    }
    const notJson = await call(fake.loginUrl, 'POST', '/_fake/api/faults/fail-next', { rawBody: '{nope', headers: { 'content-type': 'application/json' } });
    expect([notJson.status, notJson.body.error.field]).toEqual([400, 'body']);
    expect((await call(fake.loginUrl, 'GET', '/_fake/api/faults/fail-next')).status).toBe(405);
    expect((await call(fake.loginUrl, 'GET', '/_fake/api/nothing')).status).toBe(404);
    expect(fake.faults).toBeDefined();
  });

  test('two fakes in one process do not mix their dashboards', async () => {
    const a = await fakeWith();
    const b = await fakeWith();
    await loginV2(a);
    const stateB = (await call(b.loginUrl, 'GET', '/_fake/api/state')).body;
    expect(stateB.requests).toEqual([]);
    expect((await call(a.loginUrl, 'GET', '/_fake/api/state')).body.requests).toHaveLength(1);
  });
});

describe('the spec', () => {
  test('describes the /_fake/ API as the fake\'s own extension, which the generated IICS types leave out', async () => {
    const { readFile } = await import('node:fs/promises');
    const root = new URL('../../../', import.meta.url);
    const spec = await readFile(new URL('openapi/iics-jobs.yaml', root), 'utf8');
    for (const path of ['/_fake/api/state:', '/_fake/api/events:', '/_fake/api/faults/{fault}:']) {
      expect(spec).toContain(`  ${path}\n    x-fake-only: true`);
    }
    expect(spec).toContain('- name: fake-extension');
    const types = await readFile(new URL('packages/schema/src/generated/openapi.ts', root), 'utf8');
    expect(types).not.toContain('/_fake/');
    expect(types).toContain('/ma/api/v2/user/login');
  });
});
