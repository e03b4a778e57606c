import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createManualClock, startFakeIics, type FakeIics, type FakeTask, type ManualClock } from '../src/index.js';
import { call, expectV2Error, loginV2 } from './helpers.js';

let fake: FakeIics;
let zipFake: FakeIics;
let clock: ManualClock;
let session: string;
let zipSession: string;

const task = (f: FakeIics, name: string): FakeTask => f.tasks.find((t) => t.name === name)!;

/** Starts the task, plays it to its end and returns its activity log entry (list form). */
async function runToEnd(f: FakeIics, s: string, name: string): Promise<any> {
  const t = task(f, name);
  const started = await call(f.serverUrl, 'POST', '/api/v2/job', { session: s, body: { taskId: t.id, taskType: t.type } });
  expect(started.status).toBe(200);
  clock.advance(120_000);
  await f.waitForRun(t.id, started.body.runId);
  const log = await call(f.serverUrl, 'GET', `/api/v2/activity/activityLog?taskId=${t.id}&runId=${started.body.runId}`, { session: s });
  expect(log.body).toHaveLength(1);
  return log.body[0];
}

async function raw(f: FakeIics, s: string, path: string): Promise<{ status: number; type: string; disposition: string; bytes: Buffer }> {
  const res = await fetch(`${f.serverUrl}${path}`, { headers: { icSessionId: s }, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  clock = createManualClock({ start: Date.parse('2026-03-02T09:00:00Z') });
  const tasks = [
    { name: 'MT_Load', type: 'MTT' as const },
    { name: 'MT_Warning', type: 'MTT' as const, outcome: 'warning' as const },
    { name: 'MT_Fail', type: 'MTT' as const, outcome: 'failed' as const },
    { name: 'MT_Big', type: 'MTT' as const, sessionLogBytes: 3_000_000 },
    { name: 'LT_Nightly', type: 'WORKFLOW' as const, children: [{ name: 'MT_Extract', type: 'MTT' as const }, { name: 'MT_Transform', type: 'MTT' as const, outcome: 'warning' as const }] },
  ];
  fake = await startFakeIics({ clock, tasks });
  zipFake = await startFakeIics({ clock, tasks, sessionLogFormat: 'zip' });
  session = (await loginV2(fake)).session;
  zipSession = (await loginV2(zipFake)).session;
});
afterAll(async () => {
  await fake.close();
  await zipFake.close();
});
afterEach(() => {
  expect(fake.violations).toEqual([]);
  expect(zipFake.violations).toEqual([]);
});

describe('GET /activityLog/{id}/sessionLog', () => {
  test('a failed task: text, named as Session Log File Name says, with its error lines last', async () => {
    const entry = await runToEnd(fake, session, 'MT_Fail');
    const answer = await raw(fake, session, `/api/v2/activity/activityLog/${entry.id}/sessionLog`);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/plain/);
    const fileName = entry.entries[0].logEntryItemAttrs['Session Log File Name'];
    expect(answer.disposition).toBe(`attachment; filename="${fileName}"`);
    const lines = answer.bytes.toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/\[TM_6014\] Initializing session \[s_mtt_.+\]/);
    expect(lines.some((l) => / ERROR: \[TE_7002\] /.test(l) && l.includes(entry.errorMsg.replace(/^TE_7002 /, '')))).toBe(true);
    expect(lines.at(-1)).toMatch(/Session run completed with failure\.$/);
  });

  test('a warning task: one WRT_8229 line per rejected row; a successful one has no ERROR line', async () => {
    const warning = await runToEnd(fake, session, 'MT_Warning');
    const text = (await raw(fake, session, `/api/v2/activity/activityLog/${warning.id}/sessionLog`)).bytes.toString('utf8');
    expect(text.match(/ ERROR: \[WRT_8229\]/g)).toHaveLength(warning.failedTargetRows);
    expect(text).toMatch(/Session run completed with errors\.\n$/);
    const ok = await runToEnd(fake, session, 'MT_Load');
    const okText = (await raw(fake, session, `/api/v2/activity/activityLog/${ok.id}/sessionLog`)).bytes.toString('utf8');
    expect(okText).not.toMatch(/ ERROR: /);
    expect(okText).toMatch(/Session run completed successfully\.\n$/);
  });

  test('sessionLogFormat "zip": the same log inside a zip', async () => {
    const entry = await runToEnd(zipFake, zipSession, 'MT_Fail');
    const answer = await raw(zipFake, zipSession, `/api/v2/activity/activityLog/${entry.id}/sessionLog`);
    expect(answer.type).toMatch(/^application\/zip/);
    expect(answer.disposition).toMatch(/filename="s_mtt_.+\.zip"/);
    const files = unzipSync(answer.bytes);
    const fileName = entry.entries[0].logEntryItemAttrs['Session Log File Name'];
    expect(Object.keys(files)).toEqual([fileName]);
    expect(strFromU8(files[fileName]!)).toMatch(/\[TE_7002\][\s\S]*completed with failure\.\n$/);
  });

  test('a taskflow: a zip with a log per task; itemId picks one task, as text', async () => {
    const entry = await runToEnd(fake, session, 'LT_Nightly');
    const whole = await raw(fake, session, `/api/v2/activity/activityLog/${entry.id}/sessionLog`);
    expect(whole.type).toMatch(/^application\/zip/);
    const names = entry.entries.map((child: any) => child.entries[0].logEntryItemAttrs['Session Log File Name']);
    expect(Object.keys(unzipSync(whole.bytes))).toEqual(names);

    const second = entry.entries[1];
    const one = await raw(fake, session, `/api/v2/activity/activityLog/${entry.id}/sessionLog?itemId=${second.id}&childItemId=${second.entries[0].id}`);
    expect(one.status).toBe(200);
    expect(one.disposition).toBe(`attachment; filename="${names[1]}"`);
    expect(one.bytes.toString('utf8')).toMatch(/Task: \[MT_Transform\][\s\S]*WRT_8229[\s\S]*completed with errors/);
  });

  test('unknown ids answer a v2 404', async () => {
    expectV2Error(await call(fake.serverUrl, 'GET', '/api/v2/activity/activityLog/NOPE/sessionLog', { session }), 404);
    const entry = await runToEnd(fake, session, 'MT_Load');
    expectV2Error(await call(fake.serverUrl, 'GET', `/api/v2/activity/activityLog/${entry.id}/sessionLog?itemId=NOPE`, { session }), 404);
    expectV2Error(await call(fake.serverUrl, 'GET', `/api/v2/activity/activityLog/${entry.id}/sessionLog?childItemId=1`, { session }), 400);
    expect((await call(fake.serverUrl, 'GET', `/api/v2/activity/activityLog/${entry.id}/sessionLog`)).status).toBe(401);
  });

  test('sessionLogBytes: a log of megabytes, its end intact', async () => {
    const entry = await runToEnd(fake, session, 'MT_Big');
    const answer = await raw(fake, session, `/api/v2/activity/activityLog/${entry.id}/sessionLog`);
    expect(answer.bytes.length).toBeGreaterThan(3_000_000);
    expect(answer.bytes.toString('utf8')).toMatch(/Session run completed successfully\.\n$/);
  });

  test('sessionLogBytes and sessionLogFormat are checked', async () => {
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MTT', sessionLogBytes: -1 }] })).rejects.toThrow(/tasks\[0\]\.sessionLogBytes/);
    await expect(startFakeIics({ sessionLogFormat: 'gzip' as never })).rejects.toThrow(/sessionLogFormat/);
  });
});

describe('GET /errorLog/{id}', () => {
  test('a warning run: a CSV line per rejected row; a run without rejected rows: 404', async () => {
    const warning = await runToEnd(fake, session, 'MT_Warning');
    const answer = await raw(fake, session, `/api/v2/activity/errorLog/${warning.id}`);
    expect(answer.status).toBe(200);
    expect(answer.disposition).toMatch(/filename="s_mtt_.+_error\.csv"/);
    const lines = answer.bytes.toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('TASK_NAME,TRANSFORMATION,ERROR_CODE,ERROR_MESSAGE,ROW_NUMBER,ORDER_ID,AMOUNT');
    expect(lines).toHaveLength(1 + warning.failedTargetRows);
    expect(lines[1]).toMatch(/^MT_Warning,Target,WRT_8229,WRT_8229 Database errors occurred: .*,247,100247,741\.50$/);
    const ok = await runToEnd(fake, session, 'MT_Load');
    expectV2Error(await call(fake.serverUrl, 'GET', `/api/v2/activity/errorLog/${ok.id}`, { session }), 404);
  });
});
