import { parseJobResponse, parseSuccessResponse } from '@iics-jobs/schema';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createManualClock, startFakeIics, type FakeIics, type FakeTask, type ManualClock } from '../src/index.js';
import { call, expectV2Error, expectValid, loginV2 } from './helpers.js';

let fake: FakeIics;
let clock: ManualClock;
let session: string;
const task = (name: string): FakeTask => fake.tasks.find((t) => t.name === name)!;
const start = (body: unknown) => call(fake.serverUrl, 'POST', '/api/v2/job', { session, body });
const stop = (body: unknown, query = '') => call(fake.serverUrl, 'POST', `/api/v2/job/stop${query}`, { session, body });
const monitor = async (details = false) => (await call(fake.serverUrl, 'GET', `/api/v2/activity/activityMonitor?details=${details}`, { session })).body as any[];

beforeAll(async () => {
  clock = createManualClock({ start: Date.parse('2024-07-01T12:00:00Z') });
  fake = await startFakeIics({
    clock,
    tasks: [
      { name: 'MT_Load', type: 'MTT' },
      { name: 'MT_Other', type: 'MTT' },
      { name: 'MT_Sales', type: 'MTT', path: 'Sales/TEST/MT_Sales', id: '0119Y40Z00000000001S', federatedId: '6OZL5GLp1wckJzwhTG30kD' },
      { name: 'PCS_Serial', type: 'PCS', parallel: false },
      { name: 'LT_Flow', type: 'WORKFLOW', children: [{ name: 'MT_A', type: 'MTT' }, { name: 'MT_B', type: 'MTT' }] },
      { name: 'DSS_Sync', type: 'DSS' },
    ],
  });
  session = (await loginV2(fake)).session;
});
afterAll(() => fake.close());
afterEach(() => {
  expect(fake.violations).toEqual([]);
  // Let every run end so that tests do not see each other's runs.
  clock.advance(10 * 60_000);
});

describe('POST /api/v2/job', () => {
  test('starts by taskId; runIds count per task from 1', async () => {
    const first = await start({ '@type': 'job', taskId: task('MT_Load').id, taskType: 'MTT' });
    expect(first.status).toBe(200);
    expectValid(parseJobResponse, first.body);
    expect(first.body).toMatchObject({ '@type': 'job', taskId: task('MT_Load').id, taskName: 'MT_Load', taskType: 'MTT', runId: 1, runInParallel: true });
    const second = await start({ taskId: task('MT_Load').id, taskType: 'MTT' });
    expect(second.body.runId).toBe(2);
    const other = await start({ taskId: task('MT_Other').id, taskType: 'MTT' });
    expect(other.body.runId).toBe(1);
    expect(fake.runs.filter((r) => r.taskName === 'MT_Load').map((r) => r.runId)).toEqual([1, 2]);
  });

  test('starts by taskFederatedId (any folder) and by taskName; answers the v2 taskId', async () => {
    const byFederated = await start({ taskFederatedId: '6OZL5GLp1wckJzwhTG30kD', taskType: 'MTT' });
    expect(byFederated.status).toBe(200);
    expect(byFederated.body.taskId).toBe('0119Y40Z00000000001S');
    const byName = await start({ taskName: 'DSS_Sync', taskType: 'DSS' });
    expect(byName.status).toBe(200);
    expect(byName.body.taskId).toBe(task('DSS_Sync').id);
    expect(byName.body.taskId).toHaveLength(20);
    expect(task('DSS_Sync').federatedId).toHaveLength(22);
  });

  test('taskType in any case, as the documentation writes "Workflow"', async () => {
    const answer = await start({ taskId: task('LT_Flow').id, taskType: 'Workflow', callbackURL: 'https://MyIICSJobStatus.example.com/cb' });
    expect(answer.status).toBe(200);
    expect(answer.body.taskType).toBe('WORKFLOW');
    expect(answer.body.callbackURL).toBe('https://MyIICSJobStatus.example.com/cb');
    expect((await start({ taskName: 'MT_Other', taskType: 'mtt' })).status).toBe(200);
  });

  test('the parameter file may come at the top level or inside runtime', async () => {
    const top = await start({ taskId: task('MT_Other').id, taskType: 'MTT', parameterFileName: 'top.param', parameterFileDir: '/params' });
    const nested = await start({
      taskId: task('MT_Other').id,
      taskType: 'MTT',
      runtime: { '@type': 'mtTaskRuntime', parameterFileName: 'nested.param', parameterFileDir: '/opt/params' },
    });
    expect(top.status).toBe(200);
    expect(nested.status).toBe(200);
    const runOf = (runId: number) => fake.runs.find((r) => r.taskName === 'MT_Other' && r.runId === runId)!;
    expect(runOf(top.body.runId)).toMatchObject({ parameterFileName: 'top.param', parameterFileDir: '/params' });
    expect(runOf(nested.body.runId)).toMatchObject({ parameterFileName: 'nested.param', parameterFileDir: '/opt/params' });
  });

  test('malformed requests: 400 naming the field', async () => {
    const noType = await start({ taskId: task('MT_Load').id });
    expectV2Error(noType, 400);
    expect(noType.body.description).toMatch(/taskType is required/);
    expectV2Error(await start({ taskId: task('MT_Load').id, taskType: 'TASKFLOW' }), 400);
    const noName = await start({ taskType: 'MTT' });
    expectV2Error(noName, 400);
    expect(noName.body.description).toMatch(/one of taskId, taskFederatedId or taskName is required/);
    // The spec's oneOf: the task named twice is refused even when both name the same task.
    const twice = await start({ taskId: task('MT_Load').id, taskName: 'MT_Load', taskType: 'MTT' });
    expectV2Error(twice, 400);
    expect(twice.body.description).toMatch(/only one of taskId, taskFederatedId or taskName may be given, got taskId and taskName/);
    const stopTwice = await stop({ taskFederatedId: task('MT_Load').federatedId, taskName: 'MT_Load', taskType: 'MTT' });
    expectV2Error(stopTwice, 400);
    expect(stopTwice.body.description).toMatch(/only one of/);
    for (const callbackURL of ['ftp://example.com/cb', 'http://example.com/a b', 'https:///no-host', 'no url', '/relative']) {
      const badCallback = await start({ taskId: task('MT_Load').id, taskType: 'MTT', callbackURL });
      expectV2Error(badCallback, 400);
      expect(badCallback.body.description, callbackURL).toMatch(/^callbackURL must be an absolute http or https URL with a host and no white space/);
    }
    expectV2Error(await start({ taskId: 5, taskType: 'MTT' }), 400);
    expectV2Error(await start([]), 400);
    expectV2Error(await call(fake.serverUrl, 'POST', '/api/v2/job', { session, rawBody: 'taskId=1', headers: { 'content-type': 'application/json' } }), 400);
    expectV2Error(await call(fake.serverUrl, 'POST', '/api/v2/job', { session }), 400);
    expectV2Error(await start({ taskId: task('MT_Load').id, taskName: 'MT_Other', taskType: 'MTT' }), 400);
  });

  test('unknown tasks and wrong types: 403 with the v2 error object', async () => {
    expectV2Error(await start({ taskId: '0119Y40Z0000000000ZZ', taskType: 'MTT' }), 403, 'APP_13404');
    expectV2Error(await start({ taskFederatedId: 'aaaaaaaaaaaaaaaaaaaaaa', taskType: 'MTT' }), 403, 'APP_13404');
    const byName = await start({ taskName: 'MT_Nope', taskType: 'MTT' });
    expectV2Error(byName, 403, 'APP_13436');
    expect(byName.body.description).toMatch(/No object named MT_Nope exists for organization/);
    expectV2Error(await start({ taskId: task('MT_Load').id, taskType: 'DSS' }), 403);
    expectV2Error(await start({ taskName: 'MT_Load', taskType: 'WORKFLOW' }), 403);
  });

  test('a task outside the Default folder needs taskFederatedId, as documented', async () => {
    const byId = await start({ taskId: '0119Y40Z00000000001S', taskType: 'MTT' });
    expectV2Error(byId, 403);
    expect(byId.body.description).toMatch(/taskFederatedId/);
    expectV2Error(await start({ taskName: 'MT_Sales', taskType: 'MTT' }), 403);
  });

  test('parallel: false refuses a second start while a run is active (403), and allows it after', async () => {
    const first = await start({ taskName: 'PCS_Serial', taskType: 'PCS' });
    expect(first.status).toBe(200);
    expect(first.body.runInParallel).toBe(false);
    const refused = await start({ taskName: 'PCS_Serial', taskType: 'PCS' });
    expectV2Error(refused, 403, 'JOB_ALREADY_RUNNING');
    clock.advance(30_000);
    const again = await start({ taskName: 'PCS_Serial', taskType: 'PCS' });
    expect(again.status).toBe(200);
    expect(again.body.runId).toBe(2);
  });
});

describe('POST /api/v2/job/stop', () => {
  test('stops the running task: STOPPING, then FAILED (state 3) with the stop message', async () => {
    const started = await start({ taskId: task('MT_Load').id, taskType: 'MTT' });
    clock.advance(5_000);
    const answer = await stop({ '@type': 'job', taskId: task('MT_Load').id, taskType: 'MTT' });
    expect(answer.status).toBe(200);
    expectValid(parseSuccessResponse, answer.body);
    expect(answer.body).toEqual({ '@type': 'success', description: `The job was stopped by user ${fake.credentials.username} using the API.` });
    const entry = (await monitor()).find((e) => e.taskId === task('MT_Load').id && e.runId === started.body.runId);
    expect(entry.executionState).toBe('STOPPING');
    expect(entry.endTime).toBeUndefined();
    clock.advance(1_000);
    const log = await call(fake.serverUrl, 'GET', `/api/v2/activity/activityLog?taskId=${task('MT_Load').id}&runId=${started.body.runId}`, { session });
    expect(log.body).toHaveLength(1);
    expect(log.body[0].state).toBe(3);
    expect(log.body[0].errorMsg).toBe(`The job was stopped by user ${fake.credentials.username} using the API.`);
    const run = await fake.waitForRun(task('MT_Load').id, started.body.runId);
    expect(run).toMatchObject({ state: 'FAILED', activityState: 3, stoppedBy: fake.credentials.username, cleanStop: false });
    expect(run.endedAt! - run.startedAt).toBe(6_000);
  });

  test('?cleanStop=true is a query parameter; a bad value is 400', async () => {
    const started = await start({ taskName: 'DSS_Sync', taskType: 'DSS' });
    expectV2Error(await stop({ taskName: 'DSS_Sync', taskType: 'DSS' }, '?cleanStop=maybe'), 400);
    const answer = await stop({ taskName: 'DSS_Sync', taskType: 'DSS' }, '?cleanStop=true');
    expect(answer.status).toBe(200);
    clock.advance(1_000);
    const run = fake.runs.find((r) => r.taskName === 'DSS_Sync' && r.runId === started.body.runId)!;
    expect(run).toMatchObject({ state: 'FAILED', cleanStop: true });
  });

  test('stopping a linear taskflow stops its running task; the next never starts', async () => {
    const started = await start({ taskId: task('LT_Flow').id, taskType: 'WORKFLOW' });
    clock.advance(5_000);
    const running = (await monitor(true)).find((e) => e.runId === started.body.runId && e.taskName === 'LT_Flow');
    expect(running.entries.map((e: any) => [e.taskName, e.executionState])).toEqual([['MT_A', 'RUNNING']]);
    expect((await stop({ taskId: task('LT_Flow').id, taskType: 'Workflow' })).status).toBe(200);
    const stopping = (await monitor(true)).find((e) => e.runId === started.body.runId && e.taskName === 'LT_Flow');
    expect(stopping.executionState).toBe('STOPPING');
    expect(stopping.entries[0].executionState).toBe('STOPPING');
    clock.advance(60_000);
    const run = fake.runs.find((r) => r.taskName === 'LT_Flow' && r.runId === started.body.runId)!;
    expect(run.state).toBe('FAILED');
    expect(run.children.map((c) => [c.taskName, c.state])).toEqual([['MT_A', 'FAILED']]);
  });

  test('a task that is not running: 403 with the v2 error object', async () => {
    expectV2Error(await stop({ taskId: task('MT_Other').id, taskType: 'MTT' }), 403, 'JOB_NOT_RUNNING');
  });

  test('malformed and unknown: 400 and 403', async () => {
    const noType = await stop({ taskId: task('MT_Load').id });
    expectV2Error(noType, 400);
    expect(noType.body.description).toMatch(/taskType/);
    expectV2Error(await stop({ taskType: 'MTT' }), 400);
    expectV2Error(await stop({ taskId: '0119Y40Z0000000000ZZ', taskType: 'MTT' }), 403);
    // runId is a member of the job object that clients send: ignored, so the task is simply not running.
    expectV2Error(await stop({ taskId: task('MT_Load').id, taskType: 'MTT', runId: 3 }), 403, 'JOB_NOT_RUNNING');
  });
});
