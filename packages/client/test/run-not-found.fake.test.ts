import { beforeAll, describe, expect, test } from 'vitest';
import { IicsRunNotFoundError, isIicsError } from '../src/index.js';
import { ensureBuilt, envFor, runBin } from './helpers/cli.js';
import { clientFor, fake } from './helpers/fake.js';

// A run id that does not exist used to be QUEUED for ever (`iics-job status` exited 6 for ever, and a
// wait on it never ended). After a grace period it is "not found", with its own code and exit 5.

describe('jobs.status / jobs.wait of a run that does not exist', () => {
  test('status with notFoundAfterMs: IICS_RUN_NOT_FOUND naming the task and the run', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    const error = await client.jobs.status({ taskId: started.taskId, runId: 99 }, { notFoundAfterMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsRunNotFoundError);
    expect(isIicsError(error, 'IICS_RUN_NOT_FOUND')).toBe(true);
    expect(error).toMatchObject({ taskId: started.taskId, runId: 99, notFoundAfterMs: 300 });
    expect((error as Error).message).toContain(`Run 99 of task ${started.taskId} was not found`);
    // It asked more than once before giving up.
    expect(server.requests.filter((r) => r.route === 'activityLog').length).toBeGreaterThan(1);
  });

  test('status without notFoundAfterMs still answers at once (QUEUED, source "none")', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    expect(await client.jobs.status({ taskId: started.taskId, runId: 99 })).toMatchObject({ state: 'QUEUED', source: 'none', terminal: false });
  });

  test('a run that exists is answered at once, notFoundAfterMs or not', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Long', type: 'MTT', queuedMs: 0, durationMs: 60_000_000 }] });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Long', taskType: 'MTT' });
    const status = await client.jobs.status(started, { notFoundAfterMs: 60_000 });
    expect(status.source).not.toBe('none');
  });

  test('wait on a run that does not exist ends with IICS_RUN_NOT_FOUND after notFoundAfterMs', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    const began = Date.now();
    const error = await client.jobs.wait({ taskId: started.taskId, runId: 42 }, { pollIntervalMs: 10, notFoundAfterMs: 400 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsRunNotFoundError);
    expect(error).toMatchObject({ taskId: started.taskId, runId: 42 });
    expect(Date.now() - began).toBeGreaterThanOrEqual(400);
  });

  test('a run briefly in neither list (between monitor and log) is not "not found"', async () => {
    // 200 000 fake ms = 200 real ms in neither list, well inside a 5 s grace.
    const server = await fake({ logGapMs: 200_000 });
    const { client } = clientFor(server);
    const final = await client.jobs.run({ taskName: 'MT_Load', taskType: 'MTT' }, { pollIntervalMs: 10, notFoundAfterMs: 5_000 });
    expect(final).toMatchObject({ state: 'SUCCESS', terminal: true });
  });

  test('notFoundAfterMs is checked like the other durations', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    await expect(client.jobs.wait({ taskId: 'T', runId: 1 }, { notFoundAfterMs: 0 })).rejects.toThrow(/notFoundAfterMs must be a number of milliseconds/);
    await expect(client.jobs.status({ taskId: 'T', runId: 1 }, { notFoundAfterMs: -1 })).rejects.toThrow(/notFoundAfterMs must be/);
  });
});

describe('iics-job status of a run that does not exist (the built bin)', () => {
  beforeAll(() => ensureBuilt(), 60_000);

  test('exit 5 with IICS_RUN_NOT_FOUND, saying which task and run were looked for', async () => {
    const server = await fake();
    const started = await runBin(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--no-wait'], envFor(server));
    const taskId = String(started.events[0]!.taskId);
    const result = await runBin(['status', '--task-id', taskId, '--run-id', '7', '--not-found-after', '500ms', '--json'], envFor(server));
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`Run 7 of task ${taskId} was not found`);
    expect(result.stderr).toContain('[IICS_RUN_NOT_FOUND]');
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'IICS_RUN_NOT_FOUND', exitCode: 5 });
  });

  test('the run that exists: status as before', async () => {
    const server = await fake();
    const started = await runBin(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--poll-interval', '10ms'], envFor(server));
    expect(started.code).toBe(0);
    const taskId = String(started.events[0]!.taskId);
    const result = await runBin(['status', '--task-id', taskId, '--run-id', '1', '--not-found-after', '500ms'], envFor(server));
    expect(result.code).toBe(0);
    expect(result.events[0]).toMatchObject({ event: 'status', state: 'SUCCESS' });
  });
});
