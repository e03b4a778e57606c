import { peakConcurrency, type FakeIics } from '@iics-jobs/testing';
import { describe, expect, test } from 'vitest';
import { IicsInvalidArgumentError, type RunManyResult } from '../src/index.js';
import { GRID_PATHS, salesTasks } from './helpers/batch.js';
import { clientFor, fake } from './helpers/fake.js';

// jobs.runMany over real HTTP against the fake IICS; the fake's record of runs (fake clock) proves
// how many ran at once.

const fast = { pollIntervalMs: 5, timeoutMs: 30_000 };
const states = (results: RunManyResult[]) => results.map((r) => r.status?.state ?? r.skipped ?? r.error?.name);
const topRuns = (server: FakeIics) => server.runs.filter((r) => !r.parent);

describe('runMany with patterns: 3 folders × 4 tasks', () => {
  test('concurrency 1 (the default) runs them one after the other, in path order', async () => {
    const server = await fake({ tasks: salesTasks(50_000) });
    const { client } = clientFor(server);
    const results = await client.jobs.runMany([{ path: 'Sales/*/MT_Load_?', taskType: 'MTT' }], fast);
    expect(results.map((r) => r.task?.path)).toEqual(GRID_PATHS);
    expect(states(results)).toEqual(Array(12).fill('SUCCESS'));
    expect(results.every((r) => r.pattern === 'Sales/*/MT_Load_?')).toBe(true);
    expect(topRuns(server)).toHaveLength(12);
    expect(peakConcurrency(server.runs).peak).toBe(1);
    // Each started after the one before it ended, in the order of the results.
    const byTask = new Map(server.runs.map((r) => [r.taskId, r]));
    const ordered = results.map((r) => byTask.get(r.started!.taskId)!);
    for (let i = 1; i < ordered.length; i++) expect(ordered[i]!.startedAt).toBeGreaterThanOrEqual(ordered[i - 1]!.endedAt!);
  });

  test('concurrency 4 runs 4 at a time and never more; results stay in request order', async () => {
    // Long enough that four starts land before the first run ends.
    const server = await fake({ tasks: salesTasks(300_000) });
    const { client } = clientFor(server);
    const finished: string[] = [];
    const results = await client.jobs.runMany(
      [{ path: 'Sales/East/MT_Load_?' }, { path: 'Sales/West/MT_Load_?', taskType: 'MTT' }, { path: 'Sales/North/MT_Load_?' }],
      { ...fast, concurrency: 4, onResult: (r) => finished.push(r.task!.path) },
    );
    expect(results.map((r) => r.task?.path)).toEqual([
      ...GRID_PATHS.filter((p) => p.includes('/East/')),
      ...GRID_PATHS.filter((p) => p.includes('/West/')),
      ...GRID_PATHS.filter((p) => p.includes('/North/')),
    ]);
    expect(states(results)).toEqual(Array(12).fill('SUCCESS'));
    expect(finished.sort()).toEqual(GRID_PATHS);
    expect(peakConcurrency(server.runs).peak).toBe(4);
  });

  test('a task that may not run in parallel with itself is never started twice at once, however it is named', async () => {
    const server = await fake({
      tasks: [
        { name: 'PCS_Nightly', type: 'PCS', parallel: false, durationMs: 100_000 },
        { name: 'MT_Side', type: 'MTT', durationMs: 100_000 },
      ],
    });
    const { client } = clientFor(server);
    const pcs = server.tasks.find((t) => t.name === 'PCS_Nightly')!;
    const results = await client.jobs.runMany(
      [
        { taskName: 'PCS_Nightly', taskType: 'PCS' },
        { path: 'Default/PCS_Nightly', taskType: 'PCS' },
        { path: 'Default/PCS_*' },
        { taskName: 'MT_Side', taskType: 'MTT' },
      ],
      { ...fast, concurrency: 4 },
    );
    expect(states(results)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(results.map((r) => r.started?.runId)).toEqual([1, 2, 3, 1]);
    expect(peakConcurrency(server.runs, { filter: (r) => r.taskId === pcs.id }).peak).toBe(1);
    // MT_Side ran beside the first PCS run.
    expect(peakConcurrency(server.runs).peak).toBe(2);
  });
});

describe('failures', () => {
  test('stopOnFailure: after the first failure nothing more starts; without it, every task runs', async () => {
    const tasks = [
      { name: 'MT_A', type: 'MTT' as const, durationMs: 20_000 },
      { name: 'MT_Broken', type: 'MTT' as const, durationMs: 20_000, outcome: 'failed' as const },
      { name: 'MT_C', type: 'MTT' as const, durationMs: 20_000 },
      { name: 'MT_D', type: 'MTT' as const, durationMs: 20_000 },
    ];
    const requests = ['MT_A', 'MT_Broken', 'MT_C', 'MT_D'].map((taskName) => ({ taskName, taskType: 'MTT' as const }));
    const server = await fake({ tasks });
    const { client } = clientFor(server);
    const stopped = await client.jobs.runMany(requests, { ...fast, stopOnFailure: true });
    expect(states(stopped)).toEqual(['SUCCESS', 'FAILED', 'stop-on-failure', 'stop-on-failure']);
    expect(stopped[1]!.status!.errorMessage).toBeTruthy();
    expect(server.runs.map((r) => r.taskName)).toEqual(['MT_A', 'MT_Broken']);

    const all = await client.jobs.runMany(requests, fast);
    expect(states(all)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS', 'SUCCESS']);
  });

  test('a pattern with no match is that request\'s error naming the pattern; the others still run', async () => {
    const server = await fake({ tasks: salesTasks(20_000) });
    const { client } = clientFor(server);
    const results = await client.jobs.runMany([{ path: 'Sales/East/MT_Load_1', taskType: 'MTT' }, { path: 'Nope/*/MT_*' }, { path: 'Sales/West/MT_Load_?' }], fast);
    expect(results).toHaveLength(6);
    expect(results[1]!.error).toMatchObject({ code: 'IICS_TASK_NOT_FOUND', task: { pattern: 'Nope/*/MT_*' } });
    expect(results[1]!.error!.message).toContain('"Nope/*/MT_*"');
    expect(results[1]!.started).toBeUndefined();
    expect(states(results)).toEqual(['SUCCESS', 'IicsTaskNotFoundError', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);

    // With stopOnFailure the missing match stops the batch where it stands.
    const stopped = await client.jobs.runMany([{ path: 'Sales/East/MT_Load_1', taskType: 'MTT' }, { path: 'Nope/*' }, { path: 'Sales/West/MT_Load_1', taskType: 'MTT' }], {
      ...fast,
      stopOnFailure: true,
    });
    expect(states(stopped)).toEqual(['SUCCESS', 'IicsTaskNotFoundError', 'stop-on-failure']);
  });

  test('a task IICS refuses to start is its own result (IICS_TASK_NOT_FOUND); a wait timeout keeps the last status', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Long', type: 'MTT', durationMs: 10_000_000 }, { name: 'MT_Load', type: 'MTT', durationMs: 10_000 }] });
    const { client } = clientFor(server);
    const results = await client.jobs.runMany(
      [{ taskName: 'MT_Missing', taskType: 'MTT' }, { taskName: 'MT_Long', taskType: 'MTT' }, { taskName: 'MT_Load', taskType: 'MTT' }],
      { pollIntervalMs: 5, timeoutMs: 200, concurrency: 3 },
    );
    expect(results[0]!.error).toMatchObject({ code: 'IICS_TASK_NOT_FOUND' });
    expect(results[1]!.error).toMatchObject({ code: 'IICS_WAIT_TIMEOUT' });
    expect(results[1]!.status?.state).toBe('RUNNING');
    expect(results[2]!.status?.state).toBe('SUCCESS');
  });

  test('a path without a taskType runs with the type v3 objects give it', async () => {
    const server = await fake({ tasks: salesTasks(10_000) });
    const { client } = clientFor(server);
    const [dss] = await client.jobs.runMany([{ path: 'Sales/East/DSS_Load_1' }], fast);
    expect(dss!.status).toMatchObject({ state: 'SUCCESS', taskType: 'DSS' });
    expect(server.runs.map((r) => [r.taskName, r.taskType])).toEqual([['DSS_Load_1', 'DSS']]);
  });

  test('callbackBaseUrl becomes each job\'s callbackURL, as for jobs.run', async () => {
    const server = await fake({ tasks: salesTasks(10_000) });
    const { client } = clientFor(server);
    const url = 'http://127.0.0.1:9/iics/callback?secret=s';
    const results = await client.jobs.runMany([{ path: 'Sales/East/MT_Load_?' }], { ...fast, concurrency: 4, callbackBaseUrl: url });
    expect(states(results)).toEqual(Array(4).fill('SUCCESS'));
    expect(server.runs.map((r) => r.callbackURL)).toEqual(Array(4).fill(url));
    const twice = await client.jobs.runMany([{ taskName: 'MT_Load_1', taskType: 'MTT', callbackURL: url }], { callbackBaseUrl: url }).catch((e: unknown) => e);
    expect(twice).toMatchObject({ code: 'IICS_INVALID_ARGUMENT', field: 'requests[0].callbackURL' });
  });

  test('bad requests or options are refused before anything starts, naming the field', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    const cases: Array<[unknown, unknown, string]> = [
      [[], {}, 'requests'],
      [[{ taskName: 'MT_Load' }], {}, 'requests[0].taskType'],
      [[{ taskName: 'MT_Load', taskType: 'MTT' }, { taskId: 'x', taskType: 'mapping' }], {}, 'requests[1].taskType'],
      [[{ path: 'Sales//*' }], {}, 'requests[0].pattern'],
      [[{ taskId: 'x' }], {}, 'requests[0].taskType'],
      [[{ taskName: 'MT_Load', taskType: 'MTT' }], { concurrency: 0 }, 'concurrency'],
      [[{ taskName: 'MT_Load', taskType: 'MTT' }], { concurrency: 1.5 }, 'concurrency'],
      [[{ taskName: 'MT_Load', taskType: 'MTT' }], { stopOnFailure: 'yes' }, 'stopOnFailure'],
      [[{ taskName: 'MT_Load', taskType: 'MTT' }], { paralel: 2 }, 'paralel'],
    ];
    for (const [requests, options, field] of cases) {
      const error = await client.jobs.runMany(requests as never, options as never).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(IicsInvalidArgumentError);
      expect((error as IicsInvalidArgumentError).field).toBe(field);
    }
    expect(server.runs).toHaveLength(0);
  });
});

describe('abort mid-batch', () => {
  test('stops the running jobs (cleanly with cleanStop) and starts nothing more; what ended keeps its result', async () => {
    const server = await fake({
      tasks: [
        { name: 'MT_Quick', type: 'MTT', durationMs: 20_000 },
        ...['MT_Slow_1', 'MT_Slow_2', 'MT_Slow_3', 'MT_Slow_4', 'MT_Slow_5'].map((name) => ({ name, type: 'MTT' as const, durationMs: 10_000_000 })),
      ],
    });
    const { client } = clientFor(server);
    const controller = new AbortController();
    const requests = ['MT_Quick', 'MT_Slow_1', 'MT_Slow_2', 'MT_Slow_3', 'MT_Slow_4', 'MT_Slow_5'].map((taskName) => ({ taskName, taskType: 'MTT' as const }));
    const results = await client.jobs.runMany(requests, {
      ...fast,
      concurrency: 2,
      cleanStop: true,
      signal: controller.signal,
      // MT_Quick ended, MT_Slow_1 and MT_Slow_2 run: abort now.
      onStart: (_started, _result, index) => {
        if (index === 2) setTimeout(() => controller.abort(), 20);
      },
    });
    expect(results[0]!.status?.state).toBe('SUCCESS');
    for (const r of results.slice(1, 3)) {
      expect(r.error).toMatchObject({ code: 'IICS_ABORTED' });
      expect(r.stopped).toBe(true);
    }
    expect(results.slice(3).map((r) => r.skipped)).toEqual(['aborted', 'aborted', 'aborted']);
    expect(server.runs.map((r) => r.taskName)).toEqual(['MT_Quick', 'MT_Slow_1', 'MT_Slow_2']);
    const ended = await Promise.all(server.runs.slice(1).map((r) => server.waitForRun(r.taskId, r.runId)));
    expect(ended.map((r) => [r.stoppedBy, r.cleanStop, r.state])).toEqual([
      [server.credentials.username, true, 'FAILED'],
      [server.credentials.username, true, 'FAILED'],
    ]);
  });

  test('a signal aborted before the batch starts nothing', async () => {
    const server = await fake({ tasks: salesTasks() });
    const { client } = clientFor(server);
    const results = await client.jobs.runMany([{ path: 'Sales/*/MT_Load_1' }, { taskName: 'MT_X', taskType: 'MTT' }], { signal: AbortSignal.abort() });
    expect(results.map((r) => r.skipped)).toEqual(['aborted', 'aborted']);
    expect(server.requests).toHaveLength(0);
  });
});
