import { parseActivityLogEntry, parseActivityLogEntryDetail, parseActivityMonitorEntry } from '@iics-jobs/schema';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createManualClock, iicsEasternTime, iicsUtcTime, startFakeIics, type FakeIics, type FakeTask, type ManualClock } from '../src/index.js';
import { call, expectV2Error, expectValid, loginV2, type Answer } from './helpers.js';

let fake: FakeIics;
let clock: ManualClock;
let session: string;
// January: Eastern Standard Time, 5 hours behind UTC.
const START = Date.parse('2024-01-15T15:00:00Z');
const task = (name: string): FakeTask => fake.tasks.find((t) => t.name === name)!;
const start = async (name: string) => {
  const t = task(name);
  const answer = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: t.id, taskType: t.type } });
  expect(answer.status).toBe(200);
  return answer.body.runId as number;
};
const get = (path: string) => call(fake.serverUrl, 'GET', path, { session });
function validList(answer: Answer, parse: (x: unknown) => unknown): any[] {
  expect(answer.status).toBe(200);
  expect(Array.isArray(answer.body)).toBe(true);
  for (const item of answer.body) expectValid(parse as never, item);
  return answer.body;
}
const monitor = async (details = false) => validList(await get(`/api/v2/activity/activityMonitor${details ? '?details=true' : ''}`), parseActivityMonitorEntry);
const log = async (query = '') => validList(await get(`/api/v2/activity/activityLog${query}`), parseActivityLogEntry);

beforeAll(async () => {
  clock = createManualClock({ start: START });
  fake = await startFakeIics({
    clock,
    tasks: [
      { name: 'MT_Load', type: 'MTT', durationMs: 30_000, queuedMs: 2_000 },
      { name: 'MT_Warning', type: 'MTT', outcome: 'warning' },
      { name: 'MT_Fail', type: 'MTT', outcome: 'failed' },
      { name: 'MT_Quick', type: 'MTT', durationMs: 1_000, queuedMs: 0 },
      { name: 'LT_Nightly', type: 'WORKFLOW', queuedMs: 2_000, children: [{ name: 'MT_Extract', type: 'MTT', durationMs: 10_000 }, { name: 'MT_Transform', type: 'MTT', durationMs: 20_000, outcome: 'warning' }] },
    ],
  });
  session = (await loginV2(fake)).session;
});
afterAll(() => fake.close());
afterEach(() => expect(fake.violations).toEqual([]));

describe('activityMonitor', () => {
  test('QUEUED → INITIALIZED → RUNNING, no endTime while running, then gone', async () => {
    const startedAt = clock.now();
    const runId = await start('MT_Load');
    const entryOf = async () => (await monitor()).find((e) => e.taskId === task('MT_Load').id && e.runId === runId);

    const queued = await entryOf();
    expect(queued).toMatchObject({ '@type': 'activityMonitoryEntry', type: 'MTT', taskName: 'MT_Load', executionState: 'QUEUED', entries: [] });
    expect(queued.id).toHaveLength(20);
    expect('endTime' in queued).toBe(false);
    expect(queued.startTime).toBe(iicsEasternTime(startedAt));
    expect(queued.startTime).toBe('2024-01-15T10:00:00.000Z');

    clock.advance(1_000);
    expect((await entryOf()).executionState).toBe('INITIALIZED');
    clock.advance(1_000);
    const running = await entryOf();
    expect(running.executionState).toBe('RUNNING');
    expect('endTime' in running).toBe(false);
    clock.advance(27_999);
    expect((await entryOf()).executionState).toBe('RUNNING');
    clock.advance(1);
    expect(await entryOf()).toBeUndefined();
    expect(await monitor()).toEqual([]);
  });

  test('details=true lists the tasks of a linear taskflow, each with its own runId', async () => {
    await start('MT_Extract');
    const flowRunId = await start('LT_Nightly');
    clock.advance(2_000);
    const flow = (await monitor(true)).find((e) => e.taskName === 'LT_Nightly');
    expect(flow).toMatchObject({ type: 'WORKFLOW', runId: flowRunId, executionState: 'RUNNING' });
    // MT_Extract ran once on its own, so its run inside the taskflow is its run 2.
    expect(flow.entries.map((e: any) => [e.taskName, e.runId, e.executionState])).toEqual([['MT_Extract', 2, 'RUNNING']]);
    expect((await monitor(false)).find((e) => e.taskName === 'LT_Nightly').entries).toEqual([]);

    clock.advance(10_000);
    const later = (await monitor(true)).find((e) => e.taskName === 'LT_Nightly');
    expect(later.entries.map((e: any) => [e.taskName, e.runId, e.executionState, 'endTime' in e])).toEqual([
      ['MT_Extract', 2, 'COMPLETED', true],
      ['MT_Transform', 1, 'RUNNING', false],
    ]);
    clock.advance(20_000);
    expect((await monitor()).find((e) => e.taskName === 'LT_Nightly')).toBeUndefined();

    const [entry] = await log(`?taskId=${task('LT_Nightly').id}&runId=${flowRunId}`);
    expect(entry.state).toBe(2);
    expect(entry.errorMsg).toBe('One or more tasks generated error rows or failed.');
    expect(entry.entries.map((e: any) => [e.objectName, e.objectId, e.runId, e.state])).toEqual([
      ['MT_Extract', task('MT_Extract').id, 2, 1],
      ['MT_Transform', task('MT_Transform').id, 1, 2],
    ]);
    expect(entry.failedTargetRows).toBeGreaterThan(0);
  });

  test('details must be true or false', async () => {
    expectV2Error(await get('/api/v2/activity/activityMonitor?details=yes'), 400);
  });
});

describe('activityLog', () => {
  test('state 1/2/3 with errorMsg only on warning and failure; Eastern times with Z beside real UTC', async () => {
    const startedAt = clock.now();
    const ids = { ok: await start('MT_Load'), warn: await start('MT_Warning'), fail: await start('MT_Fail') };
    clock.advance(30_000);
    const [ok] = await log(`?taskId=${task('MT_Load').id}&runId=${ids.ok}`);
    const [warn] = await log(`?taskId=${task('MT_Warning').id}&runId=${ids.warn}`);
    const [fail] = await log(`?taskId=${task('MT_Fail').id}&runId=${ids.fail}`);

    expect(ok).toMatchObject({ '@type': 'activityLogEntry', type: 'MTT', objectId: task('MT_Load').id, objectName: 'MT_Load', state: 1, failedTargetRows: 0 });
    expect('errorMsg' in ok).toBe(false);
    expect(ok.entries[0].errorMsg).toBe('No errors encountered.');
    expect(ok.startTimeUtc).toBe(iicsUtcTime(startedAt));
    expect(ok.endTimeUtc).toBe(iicsUtcTime(startedAt + 30_000));
    expect(ok.startTime).toBe(iicsEasternTime(startedAt));
    expect(Date.parse(ok.startTimeUtc) - Date.parse(ok.startTime)).toBe(5 * 3_600_000);

    expect(warn.state).toBe(2);
    expect(warn.failedTargetRows).toBeGreaterThan(0);
    expect(warn.errorMsg).toMatch(/^WRT_8229 /);
    expect(fail.state).toBe(3);
    expect(fail.errorMsg).toMatch(/^TE_7002 Transformation Parse Fatal Error; transformation stopped/);
  });

  test('newest first; filtered by taskId and runId; paged by offset and rowLimit', async () => {
    const runIds = [await start('MT_Quick')];
    clock.advance(500);
    runIds.push(await start('MT_Quick'));
    clock.advance(500);
    runIds.push(await start('MT_Quick'));
    clock.advance(5_000);
    const q = task('MT_Quick').id;
    expect((await log(`?taskId=${q}`)).map((e) => e.runId)).toEqual([...runIds].reverse());
    expect((await log(`?taskId=${q}&rowLimit=2`)).map((e) => e.runId)).toEqual([runIds[2], runIds[1]]);
    expect((await log(`?taskId=${q}&offset=1&rowLimit=1`)).map((e) => e.runId)).toEqual([runIds[1]]);
    expect((await log(`?taskId=${q}&offset=10`))).toEqual([]);
    expect((await log(`?taskId=${q}&runId=${runIds[0]}`)).map((e) => e.runId)).toEqual([runIds[0]]);
    expect(await log('?taskId=0119Y40Z0000000000ZZ')).toEqual([]);
    // Without taskId: every task's runs, newest first.
    const all = await log();
    expect(all[0]!.objectName).toBe('MT_Quick');
    const starts = all.map((e) => Date.parse(e.startTimeUtc));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
  });

  test('runId without taskId: the entries of every task with that run id, newest first', async () => {
    const first = await start('MT_Quick');
    const other = fake.addTask({ name: 'MT_Other', type: 'MTT', durationMs: 1_000, queuedMs: 0 });
    await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: other.id, taskType: 'MTT' } });
    clock.advance(5_000);
    const byRunId = await log(`?runId=${first}`);
    expect(byRunId.length).toBeGreaterThanOrEqual(1);
    expect(byRunId.every((e) => e.runId === first)).toBe(true);
    expect(byRunId.some((e) => e.objectId === task('MT_Quick').id)).toBe(true);
    // MT_Other's first run is run 1: asking for runId=1 finds it beside the other tasks' first runs.
    const ones = await log('?runId=1');
    expect(ones.map((e) => e.objectName)).toEqual(expect.arrayContaining(['MT_Other', 'MT_Quick']));
    expect(ones.every((e) => e.runId === 1)).toBe(true);
  });

  test('rowLimit outside 1..1000 is clamped, not refused (0 or less: one row); offset out of range: a v2 error object, 400', async () => {
    await start('MT_Quick');
    await start('MT_Other');
    clock.advance(60_000);
    for (const rowLimit of ['0', '-5']) {
      const res = await get(`/api/v2/activity/activityLog?rowLimit=${rowLimit}`);
      expect(res.status, rowLimit).toBe(200);
      expect(res.body, rowLimit).toHaveLength(1);
    }
    expect((await get('/api/v2/activity/activityLog?rowLimit=99999999999999999999')).status).toBe(200);
    expectV2Error(await get('/api/v2/activity/activityLog?offset=-1'), 400);
    expectV2Error(await get('/api/v2/activity/activityLog?taskId='), 400);
  });

  test('a value that is no number (offset=abc, rowLimit=x, runId=abc): 400 with an HTML page, not JSON, as the real service', async () => {
    for (const query of ['offset=abc', 'rowLimit=x', 'taskId=x&runId=abc']) {
      const res = await fetch(`${fake.serverUrl}/api/v2/activity/activityLog?${query}`, { headers: { icSessionId: session }, signal: AbortSignal.timeout(10_000) });
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const text = await res.text();
      expect(() => JSON.parse(text)).toThrow();
      expect(text).toContain(`the ${query.split('=')[0]!.replace('taskId', 'runId')} parameter is not a number`);
    }
    // The afterEach hook checks that the fake reported no violation for its own non-JSON answers.
  });

  test('at most 200 rows without rowLimit, up to 1000 with it, and 1000 when rowLimit asks for more', async () => {
    const quick = fake.addTask({ name: 'MT_Bulk', type: 'MTT', durationMs: 10, queuedMs: 0, parallel: true });
    for (let i = 0; i < 1005; i++) {
      const answer = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: quick.id, taskType: 'MTT' } });
      expect(answer.status).toBe(200);
    }
    clock.advance(1_000);
    expect(await log(`?taskId=${quick.id}`)).toHaveLength(200);
    const all = await log(`?taskId=${quick.id}&rowLimit=1000`);
    expect(all).toHaveLength(1000);
    expect(all[0]!.runId).toBe(1005);
    const clamped = await log(`?taskId=${quick.id}&rowLimit=5000`);
    expect(clamped).toHaveLength(1000);
    expect(clamped.at(-1)!.runId).toBe(6);
  });

  test('/activityLog/{id}: the real shape, orgId and activityLogEntryItems (no *Utc, no entries); unknown id is 404', async () => {
    const runId = await start('MT_Warning');
    clock.advance(60_000);
    const [listed] = await log(`?taskId=${task('MT_Warning').id}&runId=${runId}`);
    const byId = await get(`/api/v2/activity/activityLog/${listed.id}`);
    expect(byId.status).toBe(200);
    expectValid(parseActivityLogEntryDetail, byId.body);
    expect(byId.body).toMatchObject({ id: listed.id, objectId: task('MT_Warning').id, runId, state: 2, startTimeUtc: listed.startTimeUtc });
    expect(byId.body.orgId).toBe(task('MT_Warning').id.slice(0, 6));
    expect(byId.body.entries).toBeUndefined();
    const [item] = byId.body.items;
    // The keys of the real item, as §11 of the reference shows them, and none of the list's child.
    expect(item).toMatchObject({
      '@type': 'activityLogEntryItem',
      id: listed.entries[0].id,
      objectId: task('MT_Warning').id,
      objectName: '',
      runId,
      state: 2,
      startTime: listed.startTime,
      children: [],
      sequenceValues: [],
      inOutParameterValues: [],
      logEntryItemAttrs: { ERROR_CODE: '8229', 'Session Log File Name': listed.entries[0].logEntryItemAttrs['Session Log File Name'] },
    });
    expect(item.errorMsg).toMatch(/^WRT_8229/);
    expect(item.transformationEntries.map((t: any) => [t.txType, t.failedRows])).toEqual([['SOURCE', 0], ['TARGET', 4]]);
    for (const key of ['startTimeUtc', 'endTimeUtc', 'entries', 'subTaskEntries', 'sessionVariables']) expect(item, key).not.toHaveProperty(key);
    expectV2Error(await get('/api/v2/activity/activityLog/0119Y4C10000000000ZZ'), 404);
  });

  test('/activityLog/{id} of a linear taskflow: one item whose children are its tasks (shape UNCONFIRMED); a task by its own id', async () => {
    const runId = await start('LT_Nightly');
    clock.advance(60_000);
    const [listed] = await log(`?taskId=${task('LT_Nightly').id}&runId=${runId}`);
    const byId = await get(`/api/v2/activity/activityLog/${listed.id}`);
    expectValid(parseActivityLogEntryDetail, byId.body);
    expect(byId.body.items).toHaveLength(1);
    expect(byId.body.items[0]).toMatchObject({ '@type': 'activityLogEntryItem', type: 'WORKFLOW', objectId: task('LT_Nightly').id });
    const tasks = byId.body.items[0].children;
    expect(tasks.map((e: any) => [e.objectName, e.runId, e.objectId])).toEqual(listed.entries.map((e: any) => [e.objectName, e.runId, e.objectId]));
    expect(tasks[1].transformationEntries[1].failedRows).toBe(4);
    for (const child of tasks) expect(child).not.toHaveProperty('startTimeUtc');
    const child = await get(`/api/v2/activity/activityLog/${listed.entries[0].id}`);
    expect(child.status).toBe(200);
    expectValid(parseActivityLogEntryDetail, child.body);
    expect(child.body).toMatchObject({ objectName: 'MT_Extract', items: [{ '@type': 'activityLogEntryItem', objectId: listed.entries[0].objectId }] });
  });

  test('an id that is not valid percent-encoding is an unknown id: 404 after the session check, no violation', async () => {
    const path = '/api/v2/activity/activityLog/%E0%A4%A';
    const unknown = await get(path);
    expectV2Error(unknown, 404, 'NOT_FOUND');
    expect(unknown.body.description).toContain('%E0%A4%A');
    expect(fake.requests.at(-1)).toMatchObject({ path: `/saas${path}`, route: 'activityLog', status: 404 });
    expectV2Error(await call(fake.serverUrl, 'GET', path), 401);
    expectV2Error(await call(fake.serverUrl, 'GET', path, { session: 'AAAAAAAAAAAAAAAAAAAAAA' }), 401);
    // The afterEach hook checks that the fake recorded no violation.
  });
});

describe('logGapMs', () => {
  test('a finished run is in neither monitor nor log for the gap', async () => {
    const gapClock = createManualClock({ start: START });
    const gapped = await startFakeIics({ clock: gapClock, logGapMs: 5_000, tasks: [{ name: 'MT_Gap', type: 'MTT', durationMs: 10_000 }] });
    try {
      const { session: s } = await loginV2(gapped);
      const t = gapped.tasks[0]!;
      await call(gapped.serverUrl, 'POST', '/api/v2/job', { session: s, body: { taskId: t.id, taskType: 'MTT' } });
      const seen = async () => ({
        monitor: (await call(gapped.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session: s })).body.length,
        log: (await call(gapped.serverUrl, 'GET', `/api/v2/activity/activityLog?taskId=${t.id}&runId=1`, { session: s })).body.length,
      });
      expect(await seen()).toEqual({ monitor: 1, log: 0 });
      gapClock.advance(10_000);
      expect(await seen()).toEqual({ monitor: 0, log: 0 });
      gapClock.advance(4_999);
      expect(await seen()).toEqual({ monitor: 0, log: 0 });
      gapClock.advance(1);
      expect(await seen()).toEqual({ monitor: 0, log: 1 });
      expect(gapped.violations).toEqual([]);
    } finally {
      await gapped.close();
    }
  });
});
