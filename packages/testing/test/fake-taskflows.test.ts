import { parseTaskflowRunResponse, parseTaskflowStatus } from '@iics-jobs/schema';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createManualClock, startFakeIics, type FakeIics, type ManualClock } from '../src/index.js';
import { call, expectV3Error, expectValid, loginV2, type CallOptions } from './helpers.js';

let fake: FakeIics;
let clock: ManualClock;
let session: string;
/** The POD host: serverUrl without /saas, where /active-bpel lives. */
let pod: string;
const tf = (method: string, path: string, options: CallOptions = {}) =>
  call(pod, method, path, { session, sessionHeader: 'INFA-SESSION-ID', ...options });
/** The run id as digits, read from the raw text: the body's JSON number has lost them. */
const runIdOf = (text: string): string => /"RunId":(\d+)/.exec(text)![1]!;
const status = async (runId: string) => (await tf('GET', `/active-bpel/services/tf/status/${runId}`)).body;

beforeAll(async () => {
  clock = createManualClock({ start: Date.parse('2024-07-01T12:00:00Z') });
  fake = await startFakeIics({
    clock,
    tasks: [
      { name: 'MT_Load', type: 'MTT' },
      { type: 'TASKFLOW', apiName: 'TF_Orders', durationMs: 10_000 },
      { type: 'TASKFLOW', apiName: 'TF_Fails', durationMs: 10_000, outcome: 'failed' },
      {
        type: 'TASKFLOW',
        apiName: 'TF_Suspends',
        name: 'Suspending flow',
        location: 'Sales/Flows',
        steps: [
          { name: 'MT_Extract', durationMs: 1_000 },
          { name: 'MT_Load', durationMs: 1_000, outcome: 'suspended' },
          { name: 'MT_Report', durationMs: 1_000 },
        ],
      },
    ],
  });
  session = (await loginV2(fake)).session;
  pod = new URL(fake.serverUrl).origin;
});
afterAll(() => fake.close());
afterEach(() => expect(fake.violations).toEqual([]));

describe('published taskflows', () => {
  test('are given in tasks beside jobs and listed apart', () => {
    expect(fake.tasks.map((t) => t.name)).toEqual(['MT_Load']);
    expect(fake.taskflows.map((t) => t.apiName)).toEqual(['TF_Orders', 'TF_Fails', 'TF_Suspends']);
    expect(fake.taskflows[2]!.steps.map((s) => s.outcome)).toEqual(['success', 'suspended', 'success']);
  });

  test('a definition with an unknown key or value is refused, naming it', async () => {
    await expect(startFakeIics({ tasks: [{ type: 'TASKFLOW', apiName: 'TF', outcom: 'failed' } as never] })).rejects.toThrow(/tasks\[0\]\.outcom is not a taskflow setting/);
    await expect(startFakeIics({ tasks: [{ type: 'TASKFLOW', apiName: 'TF', outcome: 'warning' } as never] })).rejects.toThrow(/tasks\[0\]\.outcome must be one of success, failed, suspended/);
    await expect(startFakeIics({ tasks: [{ type: 'TASKFLOW', apiName: 'has space' }] })).rejects.toThrow(/tasks\[0\]\.apiName/);
    await expect(startFakeIics({ tasks: [{ type: 'TASKFLOW', apiName: 'TF', steps: [{ name: 'A', outcme: 'failed' } as never] }] })).rejects.toThrow(/tasks\[0\]\.steps\[0\]\.outcme/);
    expect(() => fake.addTaskflow({ type: 'TASKFLOW', apiName: 'TF_Orders' })).toThrow(/published already/);
  });
});

describe('run, status and the run id on the wire', () => {
  test('GET /active-bpel/rt/<apiName> with query inputs answers RunId as a JSON number of 18-20 digits', async () => {
    const answer = await tf('GET', '/active-bpel/rt/TF_Orders?CustomerName=TestConsumer&Region=EU');
    expect(answer.status).toBe(200);
    expectValid(parseTaskflowRunResponse, answer.body);
    expect(answer.text).toMatch(/^\{"RunId":\d{18,20}\}$/);
    const runId = runIdOf(answer.text);
    // What a client that trusts the JSON number would read: not the run id.
    expect(String(answer.body.RunId)).not.toBe(runId);
    const run = fake.taskflowRuns.find((r) => r.runId === runId)!;
    expect(run).toMatchObject({ apiName: 'TF_Orders', method: 'GET', auth: 'session', input: { CustomerName: 'TestConsumer', Region: 'EU' }, state: 'RUNNING' });
  });

  test('status follows the steps on the fake clock to SUCCESS, with subtasks and UTC times', async () => {
    const runId = runIdOf((await tf('POST', '/active-bpel/rt/TF_Orders', { body: { orderId: 42 } })).text);
    expect(fake.taskflowRuns.find((r) => r.runId === runId)!.input).toEqual({ orderId: 42 });
    const text = (await tf('GET', `/active-bpel/services/tf/status/${runId}`)).text;
    expect(text).toContain(`"runId":${runId}`);
    const running = await status(runId);
    expectValid(parseTaskflowStatus, running);
    expect(running).toMatchObject({ assetName: 'TF_Orders', assetType: 'TASKFLOW', status: 'RUNNING', endTime: null, startTime: '2024-07-01T12:00:00Z', location: 'Default' });
    expect(running.subtasks.map((s: any) => [s.assetName, s.status])).toEqual([['TF_Orders_Step1', 'RUNNING']]);
    clock.advance(5_000);
    expect((await status(runId)).subtasks.map((s: any) => s.status)).toEqual(['SUCCESS', 'RUNNING']);
    clock.advance(5_000);
    const done = await status(runId);
    expect(done).toMatchObject({ status: 'SUCCESS', duration: '10', endTime: '2024-07-01T12:00:10Z', errorMessage: null });
  });

  test('a failing taskflow ends FAILED with the step error', async () => {
    const runId = runIdOf((await tf('GET', '/active-bpel/rt/TF_Fails')).text);
    clock.advance(10_000);
    const done = await status(runId);
    expect(done.status).toBe('FAILED');
    expect(done.errorMessage).toMatch(/Step TF_Fails_Step2 failed/);
    expect(done.subtasks.at(-1).status).toBe('FAILED');
  });

  test('TF-INSTANCE-NAME names the instance in assetName', async () => {
    const runId = runIdOf((await tf('GET', '/active-bpel/rt/TF_Orders', { headers: { 'TF-INSTANCE-NAME': encodeURIComponent('nightly é') } })).text);
    expect((await status(runId)).assetName).toBe(`TF_Orders-nightly é-${runId}`);
  });

  test('basic auth of a user works; a wrong password, no credentials or an expired session get 401', async () => {
    const basic = `Basic ${Buffer.from(`${fake.credentials.username}:${fake.credentials.password}`).toString('base64')}`;
    const ok = await call(pod, 'GET', '/active-bpel/rt/TF_Orders', { headers: { authorization: basic } });
    expect(ok.status).toBe(200);
    expect(fake.taskflowRuns.at(-1)!.auth).toBe('basic');
    const wrong = `Basic ${Buffer.from(`${fake.credentials.username}:nope`).toString('base64')}`;
    expectV3Error(await call(pod, 'GET', '/active-bpel/rt/TF_Orders', { headers: { authorization: wrong } }), 401);
    expectV3Error(await call(pod, 'GET', '/active-bpel/rt/TF_Orders'), 401);
    expectV3Error(await call(pod, 'GET', '/active-bpel/rt/TF_Orders', { session: 'not-a-session', sessionHeader: 'INFA-SESSION-ID' }), 401);
  });

  test('IDS-SESSION-ID and icSessionId carry the session too', async () => {
    expect((await call(pod, 'GET', '/active-bpel/rt/TF_Orders', { headers: { 'IDS-SESSION-ID': session } })).status).toBe(200);
    expect((await call(pod, 'GET', '/active-bpel/rt/TF_Orders', { session })).status).toBe(200);
  });

  test('taskflowRunIds "string" sends run ids as JSON strings', async () => {
    const other = await startFakeIics({ taskflowRunIds: 'string', tasks: [{ type: 'TASKFLOW', apiName: 'TF' }] });
    try {
      const s = (await loginV2(other)).session;
      const answer = await call(new URL(other.serverUrl).origin, 'GET', '/active-bpel/rt/TF', { session: s });
      expect(answer.text).toMatch(/^\{"RunId":"\d{18,20}"\}$/);
      expect(other.taskflowRuns[0]!.runId).toBe(answer.body.RunId);
    } finally {
      await other.close();
    }
  });
});

describe('bad input gets an error naming it', () => {
  test('unknown apiName: 404', async () => {
    const answer = await tf('GET', '/active-bpel/rt/TF_Nope');
    expectV3Error(answer, 404);
    expect(answer.body.error.message).toContain('TF_Nope');
  });

  test('a run id that is not digits: 400; an unknown one: 404', async () => {
    const bad = await tf('GET', '/active-bpel/services/tf/status/12ab');
    expectV3Error(bad, 400);
    expect(bad.body.error.message).toMatch(/runId/);
    expectV3Error(await tf('GET', '/active-bpel/services/tf/status/12345678901234567890'), 404);
  });

  test('a POST body that is not an object: 400', async () => {
    expectV3Error(await tf('POST', '/active-bpel/rt/TF_Orders', { body: [1, 2] }), 400);
  });
});

describe('suspend, resume and terminate', () => {
  test('a suspended run waits until resumed with a retry, then runs the faulted step again and succeeds', async () => {
    const runId = runIdOf((await tf('GET', '/active-bpel/rt/TF_Suspends')).text);
    clock.advance(2_000);
    const suspended = await status(runId);
    expect(suspended).toMatchObject({ status: 'SUSPENDED', endTime: null, location: 'Sales/Flows', assetName: 'Suspending flow' });
    expect(suspended.errorMessage).toMatch(/MT_Load failed/);
    clock.advance(60_000);
    expect((await status(runId)).status).toBe('SUSPENDED');

    const resumed = await tf('PUT', `/active-bpel/management/runtime/v1/resumeWithFaultRetry/${runId}`);
    expect(resumed.status).toBe(204);
    expect(resumed.text).toBe('');
    expect((await status(runId)).status).toBe('RUNNING');
    clock.advance(2_000);
    const done = await status(runId);
    expect(done.status).toBe('SUCCESS');
    expect(done.subtasks.map((s: any) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(fake.taskflowRuns.find((r) => r.runId === runId)!.resumes).toMatchObject([{ mode: 'retry' }]);
  });

  test('resumeWithFaultSkip skips the faulted step', async () => {
    const runId = runIdOf((await tf('GET', '/active-bpel/rt/TF_Suspends')).text);
    clock.advance(2_000);
    expect((await tf('PUT', `/active-bpel/management/runtime/v1/resumeWithFaultSkip/${runId}`)).status).toBe(204);
    clock.advance(1_000);
    const done = await status(runId);
    expect(done.status).toBe('SUCCESS');
    expect(done.subtasks.map((s: any) => s.status)).toEqual(['SUCCESS', 'SKIPPED', 'SUCCESS']);
  });

  test('resume of a run that is not suspended: 400 saying so', async () => {
    const runId = runIdOf((await tf('GET', '/active-bpel/rt/TF_Orders')).text);
    const answer = await tf('PUT', `/active-bpel/management/runtime/v1/resumeWithFaultRetry/${runId}`);
    expectV3Error(answer, 400, 'TASKFLOW_NOT_SUSPENDED');
    expect(answer.body.error.message).toMatch(/RUNNING, not SUSPENDED/);
  });

  test('terminate takes run ids as strings, ends running and suspended runs as STOPPED', async () => {
    const a = runIdOf((await tf('GET', '/active-bpel/rt/TF_Orders')).text);
    const b = runIdOf((await tf('GET', '/active-bpel/rt/TF_Suspends')).text);
    clock.advance(2_000);
    expect((await status(b)).status).toBe('SUSPENDED');
    const answer = await tf('PUT', '/active-bpel/services/tf/terminate', { body: { runid: [a, b] } });
    expect(answer.status).toBe(200);
    for (const id of [a, b]) expect((await status(id)).status).toBe('STOPPED');
    expect(fake.taskflowRuns.find((r) => r.runId === a)!.terminatedBy).toBe(fake.credentials.username);
  });

  test('terminate refuses more than 200 ids, numbers, unknown and ended runs, and terminates none then', async () => {
    const live = runIdOf((await tf('GET', '/active-bpel/rt/TF_Orders')).text);
    const many = Array.from({ length: 201 }, () => live);
    const tooMany = await tf('PUT', '/active-bpel/services/tf/terminate', { body: { runid: many } });
    expectV3Error(tooMany, 400);
    expect(tooMany.body.error.message).toMatch(/201 run ids; at most 200/);
    expectV3Error(await tf('PUT', '/active-bpel/services/tf/terminate', { body: { runid: [123] } }), 400);
    expectV3Error(await tf('PUT', '/active-bpel/services/tf/terminate', { body: { runid: [live, '99999999999999999999'] } }), 404);
    expect((await status(live)).status).toBe('RUNNING');
    clock.advance(10_000);
    expectV3Error(await tf('PUT', '/active-bpel/services/tf/terminate', { body: { runid: [live] } }), 400);
  });
});

describe('the query form', () => {
  test('lists runs newest first, filtered by runStatus and rowLimit (at most 50)', async () => {
    const list = await tf('GET', '/active-bpel/services/tf/status?runStatus=Stopped&rowLimit=1');
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0].status).toBe('STOPPED');
    const all = await tf('GET', '/active-bpel/services/tf/status?rowLimit=500');
    expect(all.body.length).toBeLessThanOrEqual(50);
    expect(all.body.length).toBeGreaterThan(5);
    expectV3Error(await tf('GET', '/active-bpel/services/tf/status?runStatus=Paused'), 400);
    expectV3Error(await tf('GET', '/active-bpel/services/tf/status?rowLimit=abc'), 400);
  });
});

describe('faults', () => {
  test('failNext and latency apply to the taskflow routes', async () => {
    fake.faults.failNext('taskflowRun', 1, 503);
    expectV3Error(await tf('GET', '/active-bpel/rt/TF_Orders'), 503);
    expect((await tf('GET', '/active-bpel/rt/TF_Orders')).status).toBe(200);
  });
});
