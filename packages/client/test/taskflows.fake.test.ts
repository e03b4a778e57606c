import { describe, expect, test } from 'vitest';
import { IicsAbortedError, IicsInvalidArgumentError, IicsTaskNotFoundError, IicsWaitTimeoutError, isIicsError, type TaskflowStatus } from '../src/index.js';
import { clientFor, count, fake } from './helpers/fake.js';

// Real HTTP between the client and the fake IICS's /active-bpel routes, at 1000x speed.

const TASKS = [
  { type: 'TASKFLOW' as const, apiName: 'TF_Orders', durationMs: 200_000 },
  { type: 'TASKFLOW' as const, apiName: 'TF_Fails', durationMs: 2_000, outcome: 'failed' as const },
  {
    type: 'TASKFLOW' as const,
    apiName: 'TF_Suspends',
    steps: [{ name: 'MT_Extract', durationMs: 500 }, { name: 'MT_Load', durationMs: 500, outcome: 'suspended' as const }, { name: 'MT_Report', durationMs: 500 }],
  },
  { type: 'TASKFLOW' as const, apiName: 'TF_Long', durationMs: 10_000_000 },
];

const states = (updates: TaskflowStatus[]): string[] => updates.map((s) => s.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);

describe('taskflows.run', () => {
  test('to SUCCESS: the run id is the fake\'s exact 18-20 digits, though it came as a JSON number', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const updates: TaskflowStatus[] = [];
    const final = await client.taskflows.run({ apiName: 'TF_Orders', input: { orderId: 42, region: 'EU' } }, { pollIntervalMs: 5, onUpdate: (s) => updates.push(s) });
    const run = server.taskflowRuns[0]!;
    expect(run.runId).toMatch(/^\d{18,20}$/);
    expect(String(Number(run.runId))).not.toBe(run.runId);
    expect(final).toMatchObject({ runId: run.runId, state: 'SUCCESS', terminal: true, suspended: false, name: 'TF_Orders', location: 'Default' });
    expect(final.steps?.map((s) => [s.name, s.state])).toEqual([['TF_Orders_Step1', 'SUCCESS'], ['TF_Orders_Step2', 'SUCCESS']]);
    expect(final.startedAt).toBeInstanceOf(Date);
    expect(final.endedAt!.getTime()).toBeGreaterThanOrEqual(final.startedAt!.getTime());
    expect(final.raw.runId).toBe(run.runId);
    expect(states(updates)).toEqual(['RUNNING', 'SUCCESS']);
    // POST with the inputs as JSON, the session in INFA-SESSION-ID, on the POD host (serverUrl without /saas).
    expect(run).toMatchObject({ method: 'POST', auth: 'session', input: { orderId: 42, region: 'EU' } });
    const request = server.requests.find((r) => r.route === 'taskflowRun')!;
    expect(request.path).toBe('/active-bpel/rt/TF_Orders');
    expect(server.requests.filter((r) => r.route === 'taskflowStatus').every((r) => r.path === `/active-bpel/services/tf/status/${run.runId}`)).toBe(true);
  });

  test('to FAILED with the error message', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const final = await client.taskflows.run({ apiName: 'TF_Fails' }, { pollIntervalMs: 5 });
    expect(final).toMatchObject({ state: 'FAILED', terminal: true });
    expect(final.errorMessage).toMatch(/TF_Fails_Step2 failed/);
  });

  test('wait ends on SUSPENDED and says so; resume continues the run to SUCCESS', async () => {
    const server = await fake({ tasks: TASKS });
    const { client, logs } = clientFor(server);
    const suspended = await client.taskflows.run({ apiName: 'TF_Suspends' }, { pollIntervalMs: 5 });
    expect(suspended).toMatchObject({ state: 'SUSPENDED', terminal: false, suspended: true });
    expect(suspended.errorMessage).toMatch(/MT_Load failed/);
    expect(logs.some((l) => l.startsWith('warn ') && l.includes('SUSPENDED') && l.includes(suspended.runId))).toBe(true);

    await client.taskflows.resume(suspended.runId);
    expect(server.taskflowRuns[0]!.resumes).toMatchObject([{ mode: 'retry' }]);
    const final = await client.taskflows.wait(suspended.runId, { pollIntervalMs: 5 });
    expect(final.state).toBe('SUCCESS');
    expect(final.steps?.map((s) => s.state)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
  });

  test('resume with skipFault skips the faulted step', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const suspended = await client.taskflows.run({ apiName: 'TF_Suspends' }, { pollIntervalMs: 5 });
    await client.taskflows.resume(suspended.runId, { skipFault: true });
    const final = await client.taskflows.wait(suspended.runId, { pollIntervalMs: 5 });
    expect(final.steps?.map((s) => s.state)).toEqual(['SUCCESS', 'SKIPPED', 'SUCCESS']);
    expect(server.requests.some((r) => r.path.startsWith('/active-bpel/management/runtime/v1/resumeWithFaultSkip/'))).toBe(true);
  });

  test('GET sends the inputs in the query string, and instanceName in TF-INSTANCE-NAME (URL-encoded)', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const started = await client.taskflows.start({ apiName: 'TF_Orders', method: 'GET', input: { CustomerName: 'Test Consumer', count: 3 }, instanceName: 'nightly 夜' });
    expect(server.taskflowRuns[0]).toMatchObject({ method: 'GET', input: { CustomerName: 'Test Consumer', count: '3' }, instanceName: 'nightly 夜' });
    const status = await client.taskflows.status(started.runId);
    expect(status.name).toBe(`TF_Orders-nightly 夜-${started.runId}`);
  });

  test('run ids sent as JSON strings work the same', async () => {
    const server = await fake({ tasks: TASKS, taskflowRunIds: 'string' });
    const { client } = clientFor(server);
    const final = await client.taskflows.run({ apiName: 'TF_Orders' }, { pollIntervalMs: 5 });
    expect(final).toMatchObject({ runId: server.taskflowRuns[0]!.runId, state: 'SUCCESS' });
  });

  test('timeoutMs: IICS_WAIT_TIMEOUT with the run id and the last status; a signal: IICS_ABORTED', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const error = await client.taskflows.run({ apiName: 'TF_Long' }, { pollIntervalMs: 5, timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsWaitTimeoutError);
    expect(error).toMatchObject({ code: 'IICS_WAIT_TIMEOUT', runId: server.taskflowRuns[0]!.runId, lastStatus: { state: 'RUNNING' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const aborted = await client.taskflows.wait(server.taskflowRuns[0]!.runId, { pollIntervalMs: 5, signal: controller.signal }).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(IicsAbortedError);
  });
});

describe('terminate', () => {
  test('450 run ids go in three calls of at most 200, as strings under "runid"', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const runIds: string[] = [];
    for (let i = 0; i < 450; i++) runIds.push((await client.taskflows.start({ apiName: 'TF_Long' })).runId);
    const result = await client.taskflows.terminate(runIds);
    expect(result).toEqual({ runIds, calls: 3 });
    const bodies = server.requests.filter((r) => r.route === 'taskflowTerminate').map((r) => (r.body as { runid: string[] }).runid);
    expect(bodies.map((b) => b.length)).toEqual([200, 200, 50]);
    expect(bodies.flat()).toEqual(runIds);
    expect(server.taskflowRuns.every((r) => r.state === 'STOPPED')).toBe(true);
    expect((await client.taskflows.status(runIds[449]!)).state).toBe('STOPPED');
  });
});

describe('authentication and host', () => {
  test('basic auth with an allowed user and an explicit taskflowBaseUrl: no login at all', async () => {
    const server = await fake({ tasks: TASKS });
    const pod = new URL(server.serverUrl).origin;
    const { client } = clientFor(server, {
      taskflowBaseUrl: `${pod}/active-bpel/rt/TF_Orders`,
      taskflowAuth: { type: 'basic', username: server.credentials.username, password: server.credentials.password },
    });
    const final = await client.taskflows.run({ apiName: 'TF_Orders' }, { pollIntervalMs: 5 });
    expect(final.state).toBe('SUCCESS');
    expect(server.taskflowRuns[0]!.auth).toBe('basic');
    expect(count(server, 'loginV2')).toBe(0);
  });

  test('the session header can be IDS-SESSION-ID; an expired session is renewed once', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server, { taskflowAuth: { type: 'session', header: 'IDS-SESSION-ID' } });
    const started = await client.taskflows.start({ apiName: 'TF_Orders' });
    server.faults.expireSessions();
    expect((await client.taskflows.status(started.runId)).runId).toBe(started.runId);
    expect(count(server, 'loginV2')).toBe(2);
  });

  test('wrong basic credentials: IICS_AUTH_FAILED without the password in the message', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server, {
      taskflowBaseUrl: new URL(server.serverUrl).origin,
      taskflowAuth: { type: 'basic', username: server.credentials.username, password: 'wrong-password-123' },
    });
    const error = await client.taskflows.start({ apiName: 'TF_Orders' }).catch((e: unknown) => e);
    expect(isIicsError(error, 'IICS_AUTH_FAILED')).toBe(true);
    expect(JSON.stringify(error) + String(error)).not.toContain('wrong-password-123');
  });

  test('bad taskflow options are refused at once, naming the field', () => {
    const server = { loginUrl: 'http://127.0.0.1:1', credentials: { username: 'u', password: 'p' } } as never;
    expect(() => clientFor(server, { taskflowAuth: { type: 'basic', username: 'u', password: '' } })).toThrow(expect.objectContaining({ field: 'taskflowAuth.password' }));
    expect(() => clientFor(server, { taskflowAuth: { type: 'session', header: 'X-Session' as never } })).toThrow(expect.objectContaining({ field: 'taskflowAuth.header' }));
    expect(() => clientFor(server, { taskflowBaseUrl: '' })).toThrow(expect.objectContaining({ field: 'taskflowBaseUrl' }));
    expect(() => clientFor(server, { taskflowBaseUrl: 'ftp://x' })).toThrow(expect.objectContaining({ field: 'taskflowBaseUrl' }));
  });
});

describe('bad input gets typed errors naming the field', () => {
  test('unknown apiName: IICS_TASK_NOT_FOUND naming it', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const error = await client.taskflows.start({ apiName: 'TF_Nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsTaskNotFoundError);
    expect(error).toMatchObject({ task: { apiName: 'TF_Nope', taskType: 'TASKFLOW' }, status: 404 });
  });

  test('a run id that is not digits, or a number, is refused before anything is sent', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    for (const bad of ['12ab', '', '123456789012345678901', 20262247166322413568 as never]) {
      const error = await client.taskflows.status(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IicsInvalidArgumentError);
      expect((error as IicsInvalidArgumentError).field).toBe('runId');
    }
    const terminate = await client.taskflows.terminate(['123', 'x1']).catch((e: unknown) => e);
    expect(terminate).toMatchObject({ code: 'IICS_INVALID_ARGUMENT', field: 'runIds[1]' });
    expect(await client.taskflows.terminate([]).catch((e: unknown) => e)).toMatchObject({ field: 'runIds' });
    const apiName = await client.taskflows.start({ apiName: 'has space' }).catch((e: unknown) => e);
    expect(apiName).toMatchObject({ field: 'apiName' });
    expect(await client.taskflows.start({ apiName: 'TF', inputs: {} } as never).catch((e: unknown) => e)).toMatchObject({ field: 'inputs' });
    expect(await client.taskflows.start({ apiName: 'TF', method: 'GET', input: { a: { b: 1 } } }).catch((e: unknown) => e)).toMatchObject({ field: 'input.a' });
    expect(server.requests).toHaveLength(0);
  });

  test('resume of a run that is not suspended: IICS_INVALID_ARGUMENT naming runId and its state; no resume sent', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const { runId } = await client.taskflows.start({ apiName: 'TF_Long' });
    const error = await client.taskflows.resume(runId).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IICS_INVALID_ARGUMENT', field: 'runId' });
    expect((error as Error).message).toContain(`${runId} is RUNNING, not SUSPENDED`);
    expect(count(server, 'taskflowResume')).toBe(0);
  });

  test('terminate of an unknown run: the server\'s 404 as IICS_API_ERROR', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const error = await client.taskflows.terminate('99999999999999999999').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IICS_API_ERROR', status: 404 });
  });
});
