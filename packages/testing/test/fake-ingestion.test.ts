import { unzipSync } from 'fflate';
import {
  parseFileIngestionActivityLogEntry,
  parseFileIngestionJobResponse,
  parseFileIngestionJobStatus,
  parseFileIngestionTaskList,
  parseLookupResponse,
} from '@iics-jobs/schema';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createManualClock, startFakeIics, type FakeIics, type ManualClock } from '../src/index.js';
import { call, expectV3Error, expectValid, loginV2 } from './helpers.js';

let fake: FakeIics;
let clock: ManualClock;
let session: string;
/** The file ingestion service: the POD host without /saas, session in IDS-SESSION-ID. */
const mft = (method: string, path: string, body?: unknown, target = fake) =>
  call(target.serverUrl.replace(/\/saas$/, ''), method, `/mftsaas/api/v1${path}`, {
    ...(body !== undefined ? { body } : {}),
    headers: { 'IDS-SESSION-ID': session },
  });

beforeAll(async () => {
  clock = createManualClock();
  fake = await startFakeIics({
    clock,
    tasks: [
      { name: 'MI_Orders', type: 'MI_TASK', path: 'Sales/Ingest/MI_Orders', files: ['a.csv', { name: 'b.csv', sizeBytes: 10 }], durationMs: 20_000 },
      { name: 'MI_Broken', type: 'MI_TASK', files: ['good.csv', { name: 'bad.csv', outcome: 'failed' }, 'after.csv'], outcome: 'failed', durationMs: 3_000 },
      { name: 'MT_Load', type: 'MTT' },
    ],
  });
  session = (await loginV2(fake)).session;
});
afterAll(() => fake.close());
afterEach(() => expect(fake.violations).toEqual([]));

const task = (name: string) => fake.tasks.find((t) => t.name === name)!;

describe('file ingestion jobs', () => {
  test('a run goes file by file from RUNNING to SUCCESS, and the status lists each file', async () => {
    const started = await mft('POST', '/job', { taskId: task('MI_Orders').id });
    expect(started.status).toBe(200);
    expectValid(parseFileIngestionJobResponse, started.body);
    const runId = started.body.runId;
    expect(typeof runId).toBe('string');

    const first = await mft('GET', `/job/${runId}/status`);
    expectValid(parseFileIngestionJobStatus, first.body);
    expect(first.body.jobStatus).toBe('RUNNING');
    expect(first.body.files.map((f: any) => [f.fileName, f.status])).toEqual([['a.csv', 'RUNNING'], ['b.csv', 'QUEUED']]);

    clock.advance(10_000);
    const middle = await mft('GET', `/job/${runId}/status`);
    expect(middle.body.files.map((f: any) => f.status)).toEqual(['SUCCESS', 'RUNNING']);

    clock.advance(10_000);
    const last = await mft('GET', `/job/${runId}/status`);
    expect(last.body).toMatchObject({ jobStatus: 'SUCCESS', runId, taskId: task('MI_Orders').id });
    expect(last.body.files).toEqual([
      { fileName: 'a.csv', status: 'SUCCESS', fileSize: 1024 },
      { fileName: 'b.csv', status: 'SUCCESS', fileSize: 10 },
    ]);
    expect(fake.fileIngestionRuns.find((r) => r.runId === runId)?.state).toBe('SUCCESS');
  });

  test('a task whose file fails ends FAILED, naming the file, and the other files still go', async () => {
    const started = await mft('POST', '/job', { taskId: task('MI_Broken').id, taskName: 'MI_Broken' });
    const ended = fake.waitForFileIngestionRun(started.body.runId);
    clock.advance(3_000);
    expect((await ended).state).toBe('FAILED');
    const status = await mft('GET', `/job/${started.body.runId}/status`);
    expect(status.body.jobStatus).toBe('FAILED');
    expect(status.body.files.map((f: any) => f.status)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
    expect(status.body.files[1].errorMessage).toMatch(/bad\.csv/);
  });

  test('overrides and variables are kept exactly as sent', async () => {
    const parameters = { category: [{ id: 'Source', parameter: [{ id: 'filePattern', value: '*.csv' }, { id: 'batchSize', value: '5' }] }] };
    const variables = [{ variable: 'Parentfolder', value: 'root' }];
    const started = await mft('POST', '/job', { taskId: task('MI_Orders').id, parameters, variables });
    const run = fake.fileIngestionRuns.find((r) => r.runId === started.body.runId)!;
    expect(run.parameters).toEqual(parameters);
    expect(run.variables).toEqual(variables);
  });

  test('a bad request is a 400 naming the field; an unknown task a 404; a v2 task is refused', async () => {
    const bad = await mft('POST', '/job', { taskId: task('MI_Orders').id, parameters: { category: [{ id: 'Source', parameter: [{ id: 'batchSize', value: 5 }] }] } });
    expectV3Error(bad, 400);
    expect(bad.body.error.message).toMatch(/parameters\/category\/0\/parameter\/0\/value/);
    expectV3Error(await mft('POST', '/job', { taskId: 'nope' }), 404);
    expectV3Error(await mft('POST', '/job', { taskId: task('MT_Load').id }), 400);
    expectV3Error(await mft('GET', '/job/424242/status'), 404);
  });

  test('the session goes in IDS-SESSION-ID; the v2 header names get a 401', async () => {
    const base = fake.serverUrl.replace(/\/saas$/, '');
    const wrongHeader = await call(base, 'GET', '/mftsaas/api/v1/mitasks', { session });
    expectV3Error(wrongHeader, 401);
    expect(wrongHeader.body.error.message).toMatch(/IDS-SESSION-ID/);
  });

  test('logs: a zip with the run log, sent as bytes', async () => {
    const started = await mft('POST', '/job', { taskId: task('MI_Orders').id });
    const response = await fetch(`${fake.serverUrl.replace(/\/saas$/, '')}/mftsaas/api/v1/job/${started.body.runId}/logs`, {
      headers: { 'IDS-SESSION-ID': session },
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await response.arrayBuffer());
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(Buffer.compare(zip, Buffer.from(fake.fileIngestionRuns.at(-1)!.logs.body))).toBe(0);
    const entries = unzipSync(zip);
    expect(Object.keys(entries)).toEqual([`MI_Orders_${started.body.runId}.log`]);
    const text = Buffer.from(Object.values(entries)[0]!).toString('utf8');
    expect(text).toContain(`File ingestion job ${started.body.runId} of task MI_Orders`);
    expect(text).toContain('a.csv');
  });

  test('mitasks lists the MI tasks by id and name; v3 lookup with type MI_TASK gives the same id', async () => {
    const list = await mft('GET', '/mitasks');
    expectValid(parseFileIngestionTaskList, list.body);
    expect(list.body.mitasks.map((t: any) => t.name)).toEqual(['MI_Orders', 'MI_Broken']);
    const id = list.body.mitasks[0].id;
    expect(id).toHaveLength(22);
    const lookup = await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', {
      session,
      sessionHeader: 'INFA-SESSION-ID',
      body: { objects: [{ path: 'Sales/Ingest/MI_Orders', type: 'MI_TASK' }] },
    });
    expectValid(parseLookupResponse, lookup.body);
    expect(lookup.body.objects[0]).toMatchObject({ id, type: 'MI_TASK' });
  });

  test('activityLog by taskId or runId, newest first, rowLimit at most 100', async () => {
    const id = task('MI_Orders').id;
    const log = await mft('GET', `/mitasks/activityLog?taskId=${id}&rowLimit=2`);
    expect(log.status).toBe(200);
    for (const entry of log.body) expectValid(parseFileIngestionActivityLogEntry, entry);
    expect(log.body).toHaveLength(2);
    const runs = fake.fileIngestionRuns.filter((r) => r.taskId === id);
    expect(log.body.map((e: any) => e.runId)).toEqual([runs.at(-1)!.runId, runs.at(-2)!.runId]);
    expect(log.body[0].totaljobCount).toBe(runs.length);
    const one = await mft('GET', `/mitasks/activityLog?runId=${runs[0]!.runId}`);
    expect(one.body).toMatchObject([{ runId: runs[0]!.runId, status: 'SUCCESS' }]);
    expectV3Error(await mft('GET', '/mitasks/activityLog'), 400);
  });
});

describe('the forms of the start answer (UNCONFIRMED in the documentation)', () => {
  test('RunId as a bare JSON number larger than 2^53, written digit for digit', async () => {
    const other = await startFakeIics({ fileIngestion: { runIdKey: 'RunId', runIdType: 'number', firstRunId: '9007199254740993' } });
    try {
      const s = (await loginV2(other)).session;
      const answer = await call(other.serverUrl.replace(/\/saas$/, ''), 'POST', '/mftsaas/api/v1/job', {
        body: { taskId: other.tasks.find((t) => t.type === 'MI_TASK')!.id },
        headers: { 'IDS-SESSION-ID': s },
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toMatch(/^\{"RunId":9007199254740993,/);
      expect(other.fileIngestionRuns[0]!.runId).toBe('9007199254740993');
      expect(other.violations).toEqual([]);
    } finally {
      await other.close();
    }
  });

  test('task definitions and options are checked, naming the field', async () => {
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MI_TASK', fles: ['a'] } as never] })).rejects.toThrow(/tasks\[0\]\.fles is not a key/);
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MI_TASK', files: [{ name: 'a', outcom: 'failed' }] } as never] })).rejects.toThrow(/files\[0\]\.outcom/);
    await expect(startFakeIics({ tasks: [{ name: 'X', type: 'MI_TASK', outcome: 'warning' }] })).rejects.toThrow(/outcome of an MI_TASK/);
    await expect(startFakeIics({ fileIngestion: { firstRunId: '01' } })).rejects.toThrow(/fileIngestion\.firstRunId/);
    await expect(startFakeIics({ fileIngestion: { runIdkey: 'RunId' } as never })).rejects.toThrow(/fileIngestion\.runIdkey/);
  });
});
