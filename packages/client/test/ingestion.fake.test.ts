import { describe, expect, test } from 'vitest';
import {
  IicsInvalidArgumentError,
  IicsTaskNotFoundError,
  IicsWaitTimeoutError,
  type FileIngestionStatus,
} from '../src/index.js';
import { clientFor, count, fake } from './helpers/fake.js';

// Real HTTP against the fake IICS (@iics-jobs/testing) at 1000x speed.

const ORDERS = { name: 'MI_Orders', type: 'MI_TASK', path: 'Sales/Ingest/MI_Orders', files: ['orders_1.csv', 'orders_2.csv'], durationMs: 200_000 } as const;
const BROKEN = { name: 'MI_Broken', type: 'MI_TASK', files: ['good.csv', { name: 'bad.csv', outcome: 'failed' }], outcome: 'failed', durationMs: 200_000 } as const;

function states(updates: FileIngestionStatus[]): string[] {
  return updates.map((s) => s.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
}

describe('fileIngestion.run through the fake', () => {
  test.each(['v2', 'v3'] as const)('runs to SUCCESS with a %s session sent as IDS-SESSION-ID, listing the files', async (apiVersion) => {
    const server = await fake({ tasks: [ORDERS] });
    const { client } = clientFor(server, { apiVersion });
    const updates: FileIngestionStatus[] = [];
    const final = await client.fileIngestion.run({ taskId: server.tasks[0]!.id }, { pollIntervalMs: 5, onUpdate: (s) => updates.push(s) });

    expect(final).toMatchObject({ state: 'SUCCESS', terminal: true, jobStatus: 'SUCCESS', taskId: server.tasks[0]!.id });
    expect(final.files?.map((f) => [f.name, f.state, f.sizeBytes])).toEqual([
      ['orders_1.csv', 'SUCCESS', 1024],
      ['orders_2.csv', 'SUCCESS', 1024],
    ]);
    expect(final.endedAt).toBeInstanceOf(Date);
    expect(states(updates)).toEqual(['RUNNING', 'SUCCESS']);
    expect(typeof final.runId).toBe('string');
    expect(server.fileIngestionRuns[0]!.state).toBe('SUCCESS');
    // On the POD host without /saas: the fake answers /mftsaas nowhere else.
    expect(server.requests.filter((r) => r.route === 'fileIngestionJob').map((r) => r.path)).toEqual(['/mftsaas/api/v1/job']);
    expect(server.violations).toEqual([]);
  });

  test('runs to FAILED, with the failed file named in errorMessage', async () => {
    const server = await fake({ tasks: [BROKEN] });
    const { client } = clientFor(server);
    const final = await client.fileIngestion.run({ taskName: 'MI_Broken' }, { pollIntervalMs: 5 });
    expect(final).toMatchObject({ state: 'FAILED', terminal: true });
    expect(final.files?.map((f) => f.state)).toEqual(['SUCCESS', 'FAILED']);
    expect(final.errorMessage).toMatch(/bad\.csv/);
    // By name: found in the mitasks list.
    expect(count(server, 'fileIngestionTasks')).toBe(1);
  });

  test('starts by path through v3 lookup with type MI_TASK', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const { client } = clientFor(server);
    const started = await client.fileIngestion.start({ path: 'Sales/Ingest/MI_Orders' });
    expect(started.taskId).toBe(server.tasks[0]!.id);
    const lookup = server.requests.find((r) => r.route === 'lookup')!;
    expect(lookup.body).toEqual({ objects: [{ path: 'Sales/Ingest/MI_Orders', type: 'MI_TASK' }] });
    expect(server.fileIngestionRuns.map((r) => r.runId)).toEqual([started.runId]);
  });
});

describe('overrides', () => {
  test('reach the fake as the documentation writes them: categories, ids, and every value a string', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const { client } = clientFor(server);
    await client.fileIngestion.start({
      taskId: server.tasks[0]!.id,
      parameters: {
        Source: { sourceDirectory: '/${Parentfolder}/in', filePattern: '*.csv', batchSize: 5, includeSubfolder: true },
        Target: { targetDirectory: '/${Parentfolder}/out' },
      },
      variables: { Parentfolder: 'root' },
    });
    const sent = server.requests.find((r) => r.route === 'fileIngestionJob')!.body;
    expect(sent).toEqual({
      taskId: server.tasks[0]!.id,
      parameters: {
        category: [
          {
            id: 'Source',
            parameter: [
              { id: 'sourceDirectory', value: '/${Parentfolder}/in' },
              { id: 'filePattern', value: '*.csv' },
              { id: 'batchSize', value: '5' },
              { id: 'includeSubfolder', value: 'true' },
            ],
          },
          { id: 'Target', parameter: [{ id: 'targetDirectory', value: '/${Parentfolder}/out' }] },
        ],
      },
      variables: [{ variable: 'Parentfolder', value: 'root' }],
    });
    expect(server.fileIngestionRuns[0]!.parameters).toEqual((sent as { parameters: unknown }).parameters);
  });

  test('an unknown category or parameter id is refused before anything is sent, naming it', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const { client } = clientFor(server);
    const id = server.tasks[0]!.id;
    const typo = await client.fileIngestion.start({ taskId: id, parameters: { Source: { filepattern: '*.csv' } } as never }).catch((e: unknown) => e);
    expect(typo).toBeInstanceOf(IicsInvalidArgumentError);
    expect(typo).toMatchObject({ field: 'parameters.Source.filepattern' });
    expect((typo as Error).message).toMatch(/did you mean "filePattern"/);
    await expect(client.fileIngestion.start({ taskId: id, parameters: { Sources: {} } as never })).rejects.toMatchObject({ field: 'parameters.Sources' });
    await expect(client.fileIngestion.start({ taskId: id, parameters: { Source: { batchSize: {} } } as never })).rejects.toMatchObject({ field: 'parameters.Source.batchSize' });
    await expect(client.fileIngestion.start({ taskId: id, taskType: 'MI_TASK' } as never)).rejects.toMatchObject({ field: 'taskType' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('run ids are strings', () => {
  test.each(['runId', 'RunId'] as const)('a %s sent as a bare number above 2^53 keeps every digit, in start, status and logs', async (runIdKey) => {
    const server = await fake({ tasks: [ORDERS], fileIngestion: { runIdKey, runIdType: 'number', firstRunId: '9007199254740993' } });
    const { client } = clientFor(server);
    const started = await client.fileIngestion.start({ taskId: server.tasks[0]!.id });
    // Through Number it would be ...992.
    expect(started.runId).toBe('9007199254740993');
    const final = await client.fileIngestion.wait(started.runId, { pollIntervalMs: 5 });
    expect(final).toMatchObject({ runId: '9007199254740993', state: 'SUCCESS' });
    const logs = await client.fileIngestion.logs(started.runId);
    expect(Buffer.compare(Buffer.from(logs.body), Buffer.from(server.fileIngestionRuns[0]!.logs.body))).toBe(0);
    expect(server.requests.filter((r) => r.route === 'fileIngestionStatus').every((r) => r.path === '/mftsaas/api/v1/job/9007199254740993/status')).toBe(true);
  });

  test('a run id that is not a string is refused, naming runId', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const { client } = clientFor(server);
    await expect(client.fileIngestion.status(5 as never)).rejects.toMatchObject({ code: 'IICS_INVALID_ARGUMENT', field: 'runId' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('unknown tasks and runs', () => {
  test('an unknown task id, path or name is IICS_TASK_NOT_FOUND', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const { client } = clientFor(server);
    for (const request of [{ taskId: 'NoSuchTask000000000000' }, { path: 'Sales/Ingest/Nope' }, { taskName: 'Nope' }]) {
      const error = await client.fileIngestion.start(request).catch((e: unknown) => e);
      expect(error, JSON.stringify(request)).toBeInstanceOf(IicsTaskNotFoundError);
      const task = (error as IicsTaskNotFoundError).task;
      expect(task).toMatchObject(request);
      // The path's lookup names the asset type, the others the task type.
      expect(task.taskType ?? task.type).toBe('MI_TASK');
    }
    expect(server.fileIngestionRuns).toHaveLength(0);
  });

  test('an unknown run is an API error with its status', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const { client } = clientFor(server);
    await expect(client.fileIngestion.status('404404')).rejects.toMatchObject({ code: 'IICS_API_ERROR', status: 404 });
  });
});

describe('logs', () => {
  test('a binary body comes back byte for byte, with its content type', async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + (i >> 8)) % 256);
    const server = await fake({ tasks: [{ ...ORDERS, logs: { contentType: 'application/octet-stream', body: bytes } }] });
    const { client } = clientFor(server);
    const started = await client.fileIngestion.start({ taskId: server.tasks[0]!.id });
    const logs = await client.fileIngestion.logs(started.runId);
    expect(logs.contentType).toBe('application/octet-stream');
    expect(logs.body).toBeInstanceOf(Uint8Array);
    expect(logs.body.byteLength).toBe(4096);
    expect(Buffer.compare(Buffer.from(logs.body), Buffer.from(bytes))).toBe(0);
  });

  test('the default zip is returned intact', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const { client } = clientFor(server);
    const started = await client.fileIngestion.start({ taskId: server.tasks[0]!.id });
    const logs = await client.fileIngestion.logs(started.runId);
    expect(logs.contentType).toBe('application/zip');
    expect(Buffer.from(logs.body).subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(Buffer.compare(Buffer.from(logs.body), Buffer.from(server.fileIngestionRuns[0]!.logs.body))).toBe(0);
  });
});

describe('waiting', () => {
  test('timeoutMs ends the wait with IICS_WAIT_TIMEOUT, the string run id and the last status; the job goes on', async () => {
    const server = await fake({ tasks: [{ ...ORDERS, durationMs: 3_600_000 }] });
    const { client } = clientFor(server);
    const started = await client.fileIngestion.start({ taskId: server.tasks[0]!.id });
    const error = await client.fileIngestion.wait(started.runId, { pollIntervalMs: 5, timeoutMs: 60 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsWaitTimeoutError);
    expect(error).toMatchObject({ runId: started.runId, timeoutMs: 60, lastStatus: { state: 'RUNNING', terminal: false } });
    expect(server.fileIngestionRuns[0]!.state).toBe('RUNNING');
  });

  test('a 503 on a status poll is retried', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const { client } = clientFor(server);
    const started = await client.fileIngestion.start({ taskId: server.tasks[0]!.id });
    server.faults.failNext('fileIngestionStatus', 2, 503);
    const final = await client.fileIngestion.wait(started.runId, { pollIntervalMs: 5 });
    expect(final.state).toBe('SUCCESS');
    expect(server.requests.filter((r) => r.route === 'fileIngestionStatus' && r.status === 503)).toHaveLength(2);
  });
});
