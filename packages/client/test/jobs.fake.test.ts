import { describe, expect, test } from 'vitest';
import { IicsApiError, IicsTaskNotFoundError, type JobStatus } from '../src/index.js';
import { clientFor, count, fake } from './helpers/fake.js';

// Real HTTP against the fake IICS (@iics-jobs/testing) at 1000x speed.

/** The states a wait went through, without repeats. */
function path(updates: JobStatus[]): string[] {
  return updates.map((s) => s.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
}

describe('start by each kind of name', () => {
  test.each([
    ['taskId', (t: { id: string }) => ({ taskId: t.id })],
    ['taskFederatedId', (t: { federatedId: string }) => ({ taskFederatedId: t.federatedId })],
    ['taskName', () => ({ taskName: 'MT_Load' })],
    ['path', () => ({ path: 'Sales/TEST/MT_Load' })],
  ] as const)('by %s', async (kind, naming) => {
    // MT_Load lives in the Default folder for id and name, in Sales/TEST for federated id and path.
    const inDefault = kind === 'taskId' || kind === 'taskName';
    const server = await fake({ tasks: [{ name: 'MT_Load', type: 'MTT', ...(inDefault ? {} : { path: 'Sales/TEST/MT_Load' }) }] });
    const task = server.tasks[0]!;
    const { client } = clientFor(server);

    const started = await client.jobs.start({ ...naming(task), taskType: 'MTT' } as never);
    expect(started).toMatchObject({ taskId: task.id, taskName: 'MT_Load', taskType: 'MTT', runId: 1 });
    // Extra fields of the answer are kept; like the real answer it has no taskFederatedId, and the client needs none.
    expect(started.runInParallel).toBe(true);
    expect(started).not.toHaveProperty('taskFederatedId');
    expect(server.runs).toHaveLength(1);
    expect(server.runs[0]).toMatchObject({ taskId: task.id, runId: 1 });

    const sent = server.requests.filter((r) => r.route === 'job').at(-1)!.body as Record<string, unknown>;
    const expectedField = kind === 'path' ? 'taskFederatedId' : kind;
    expect(sent[expectedField]).toBe(kind === 'taskName' ? 'MT_Load' : kind === 'taskId' ? task.id : task.federatedId);
    expect(count(server, 'lookup')).toBe(kind === 'path' ? 1 : 0);

    const final = await client.jobs.wait(started, { pollIntervalMs: 5 });
    expect(final).toMatchObject({ state: 'SUCCESS', terminal: true, taskId: task.id, runId: 1 });
  });

  test('runIds count per task, and the run is found by (taskId, runId)', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    const a1 = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    const a2 = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    const b1 = await client.jobs.start({ taskName: 'MT_Fail', taskType: 'MTT' });
    expect([a1.runId, a2.runId, b1.runId]).toEqual([1, 2, 1]);
    const [sa1, sb1] = await Promise.all([client.jobs.wait(a1, { pollIntervalMs: 5 }), client.jobs.wait(b1, { pollIntervalMs: 5 })]);
    expect(sa1.state).toBe('SUCCESS');
    expect(sb1.state).toBe('FAILED');
  });
});

describe('status from QUEUED through RUNNING to the end', () => {
  test.each([
    ['success', 'SUCCESS'],
    ['warning', 'WARNING'],
    ['failed', 'FAILED'],
  ] as const)('outcome %s → %s, with real UTC times', async (outcome, finalState) => {
    const server = await fake({ tasks: [{ name: 'MT_Slow', type: 'MTT', outcome, queuedMs: 250_000, durationMs: 500_000 }] });
    const { client } = clientFor(server);
    const updates: JobStatus[] = [];
    const final = await client.jobs.run({ taskName: 'MT_Slow', taskType: 'MTT' }, { pollIntervalMs: 10, onUpdate: (s) => updates.push(s) });

    expect(path(updates)).toEqual(['QUEUED', 'RUNNING', finalState]);
    expect(updates.some((s) => s.executionState === 'INITIALIZED' || s.executionState === 'QUEUED')).toBe(true);
    expect(final).toMatchObject({ state: finalState, terminal: true, source: 'log', taskName: 'MT_Slow', taskType: 'MTT' });
    expect(final.raw).not.toBeNull();

    const run = server.runs[0]!;
    // IICS writes whole seconds; the fake clock counts milliseconds.
    expect(Math.abs(final.startedAt!.getTime() - run.startedAt)).toBeLessThan(1000);
    expect(Math.abs(final.endedAt!.getTime() - run.endedAt!)).toBeLessThan(1000);
    // While running, the time comes from the monitor's Eastern startTime, converted.
    const running = updates.find((s) => s.state === 'RUNNING')!;
    expect(Math.abs(running.startedAt!.getTime() - run.startedAt)).toBeLessThan(1000);

    if (finalState === 'SUCCESS') expect(final.errorMessage).toBeUndefined();
    else expect(final.errorMessage).toMatch(/\S/);
    expect(final.rows).toBeDefined();
  });

  test('status() of a run right after the start is QUEUED or RUNNING, not an error', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Slow', type: 'MTT', queuedMs: 200_000, durationMs: 400_000 }] });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Slow', taskType: 'MTT' });
    const status = await client.jobs.status(started);
    expect(status.state).toBe('QUEUED');
    expect(status.terminal).toBe(false);
  });

  test('a run ended but not yet in the log (the monitor→log gap) stays RUNNING', async () => {
    const server = await fake({ logGapMs: 150_000, tasks: [{ name: 'MT_Quick', type: 'MTT', queuedMs: 0, durationMs: 50_000 }] });
    const { client } = clientFor(server);
    const updates: JobStatus[] = [];
    const final = await client.jobs.run({ taskName: 'MT_Quick', taskType: 'MTT' }, { pollIntervalMs: 10, onUpdate: (s) => updates.push(s) });
    expect(final.state).toBe('SUCCESS');
    expect(updates.some((s) => s.source === 'none' && s.state === 'RUNNING')).toBe(true);
    expect(updates.every((s) => s.state !== 'QUEUED' || s.source !== 'none' || updates.indexOf(s) === 0)).toBe(true);
  });
});

describe('linear taskflow', () => {
  test('runs its tasks in order; the final status lists each with its own runId and state', async () => {
    const server = await fake({
      tasks: [
        {
          name: 'LT_Nightly',
          type: 'WORKFLOW',
          durationMs: 300_000,
          queuedMs: 10_000,
          children: [
            { name: 'MT_Extract', type: 'MTT' },
            { name: 'MT_Transform', type: 'MTT', outcome: 'warning' },
          ],
        },
      ],
    });
    const { client } = clientFor(server);
    const updates: JobStatus[] = [];
    const final = await client.jobs.run({ taskName: 'LT_Nightly', taskType: 'WORKFLOW' }, { pollIntervalMs: 10, onUpdate: (s) => updates.push(s) });

    const flow = server.runs.find((r) => r.taskType === 'WORKFLOW')!;
    expect(final.taskType).toBe('WORKFLOW');
    expect(final.state).toBe('WARNING');
    expect(flow.state).toBe('WARNING');
    expect(final.children?.map((c) => c.taskName)).toEqual(['MT_Extract', 'MT_Transform']);
    expect(final.children?.map((c) => [c.taskId, c.runId])).toEqual(flow.children.map((c) => [c.taskId, c.runId]));
    expect(final.children?.map((c) => c.state)).toEqual(['SUCCESS', 'WARNING']);
    // While it ran, the monitor's child entries showed which task was running.
    expect(updates.some((s) => s.state === 'RUNNING' && (s.children?.length ?? 0) > 0)).toBe(true);
  });
});

describe('stop', () => {
  test.each([
    [true, 'true'],
    [false, undefined],
  ])('cleanStop %s → query cleanStop=%s; the run goes STOPPING, then FAILED', async (cleanStop, query) => {
    const server = await fake({ stopDelayMs: 400_000, tasks: [{ name: 'MT_Long', type: 'MTT', queuedMs: 0, durationMs: 60_000_000 }] });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Long', taskType: 'MTT' });
    const answer = await client.jobs.stop({ taskName: 'MT_Long', taskType: 'MTT', cleanStop });
    expect(answer.description).toContain('stopped');

    const stopRequest = server.requests.find((r) => r.route === 'stop')!;
    expect(stopRequest.query.cleanStop).toBe(query);
    expect(stopRequest.body).toEqual({ '@type': 'job', taskName: 'MT_Long', taskType: 'MTT' });

    const updates: JobStatus[] = [];
    const final = await client.jobs.wait(started, { pollIntervalMs: 10, onUpdate: (s) => updates.push(s) });
    expect(updates[0]!.state).toBe('STOPPING');
    expect(final.state).toBe('FAILED');
    expect(final.errorMessage).toMatch(/stopped/);
    expect(server.runs[0]!.cleanStop ?? false).toBe(cleanStop);
  });

  test('stopping a task that is not running is an API error', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    const error = await client.jobs.stop({ taskName: 'MT_Load', taskType: 'MTT' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsApiError);
    expect((error as IicsApiError).status).toBe(403);
  });
});

describe('lookup', () => {
  test('resolves a path to the federated id, once', async () => {
    const server = await fake();
    const task = server.tasks.find((t) => t.name === 'MT_Sales')!;
    const { client } = clientFor(server);
    const info = await client.tasks.lookup({ path: task.path, type: 'MTT' });
    expect(info).toMatchObject({ id: task.federatedId, path: task.path, type: 'MTT' });
    await client.jobs.start({ path: task.path, taskType: 'MTT' });
    expect(count(server, 'lookup')).toBe(1);
    const sent = server.requests.find((r) => r.route === 'lookup')!.body;
    expect(sent).toEqual({ objects: [{ path: task.path, type: 'MTT' }] });
  });
});

describe('refused starts', () => {
  test.each([
    ['an unknown name', { taskName: 'MT_Nope', taskType: 'MTT' }],
    ['an unknown id', { taskId: '0119Y40Z00000000NOPE', taskType: 'MTT' }],
    ['an unknown path', { path: 'Sales/TEST/MT_Nope', taskType: 'MTT' }],
    ['the wrong type', { taskName: 'MT_Load', taskType: 'DSS' }],
  ] as const)('%s → IICS_TASK_NOT_FOUND, nothing started', async (_, request) => {
    const server = await fake();
    const { client } = clientFor(server);
    const error = await client.jobs.start(request as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsTaskNotFoundError);
    expect((error as IicsTaskNotFoundError).code).toBe('IICS_TASK_NOT_FOUND');
    expect(server.runs).toHaveLength(0);
  });

  test('a second start of a task that allows no parallel runs is refused and not retried', async () => {
    const server = await fake({ tasks: [{ name: 'PCS_Nightly', type: 'PCS', parallel: false, durationMs: 60_000_000 }] });
    const { client } = clientFor(server);
    await client.jobs.start({ taskName: 'PCS_Nightly', taskType: 'PCS' });
    const error = (await client.jobs.start({ taskName: 'PCS_Nightly', taskType: 'PCS' }).catch((e: unknown) => e)) as IicsApiError;
    expect(error).toBeInstanceOf(IicsApiError);
    expect(error.status).toBe(403);
    expect(error.iicsCode).toMatch(/\S/);
    expect(count(server, 'job')).toBe(2);
    expect(server.runs).toHaveLength(1);
  });
});

test('the parameter file and callbackURL reach IICS', async () => {
  const server = await fake();
  const { client } = clientFor(server);
  await client.jobs.start({
    taskName: 'MT_Load',
    taskType: 'MTT',
    parameterFile: { name: 'orders.param', dir: '/opt/infa/params' },
    callbackURL: 'http://127.0.0.1:9/unused',
  });
  expect(server.runs[0]).toMatchObject({ parameterFileName: 'orders.param', parameterFileDir: '/opt/infa/params', callbackURL: 'http://127.0.0.1:9/unused' });
});
