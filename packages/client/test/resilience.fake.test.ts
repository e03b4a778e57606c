import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import {
  IicsAbortedError,
  IicsApiError,
  IicsNetworkError,
  IicsTimeoutError,
  IicsWaitTimeoutError,
  createIicsClient,
  type JobStatus,
} from '../src/index.js';
import { clientFor, count, fake } from './helpers/fake.js';

const LONG = { name: 'MT_Long', type: 'MTT' as const, queuedMs: 0, durationMs: 60_000_000 };
const SLOW = { name: 'MT_Slow', type: 'MTT' as const, queuedMs: 0, durationMs: 300_000 };

/** Waits for the run and runs `fault` once, at the first RUNNING poll. */
async function waitWithFault(
  client: ReturnType<typeof clientFor>['client'],
  ref: { taskId: string; runId: number },
  fault: () => void,
): Promise<JobStatus> {
  let injected = false;
  return client.jobs.wait(ref, {
    pollIntervalMs: 10,
    onUpdate: (s) => {
      if (!injected && s.state === 'RUNNING') {
        injected = true;
        fault();
      }
    },
  });
}

describe('storms during polling', () => {
  test('a 5xx storm on the activity monitor is ridden out with back-off', async () => {
    const server = await fake({ tasks: [SLOW] });
    const { client, logs } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Slow', taskType: 'MTT' });
    const final = await waitWithFault(client, started, () => {
      server.faults.failNext('activityMonitor', 3, 503);
      server.faults.failNext('activityMonitor', 2, 500);
    });
    expect(final.state).toBe('SUCCESS');
    expect(server.requests.filter((r) => r.route === 'activityMonitor' && (r.status ?? 0) >= 500)).toHaveLength(5);
    expect(logs.filter((l) => l.startsWith('warn') && l.includes('GET /api/v2/activity/activityMonitor failed; retry'))).toHaveLength(5);
  });

  test('a 429 storm on the activity log is ridden out too', async () => {
    const server = await fake({ tasks: [SLOW] });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Slow', taskType: 'MTT' });
    const final = await waitWithFault(client, started, () => server.faults.failNext('activityLog', 4, 429));
    expect(final.state).toBe('SUCCESS');
    expect(server.requests.filter((r) => r.route === 'activityLog' && r.status === 429)).toHaveLength(4);
  });

  test('a storm longer than the retry budget fails the wait with the API error', async () => {
    const server = await fake({ tasks: [SLOW] });
    const { client } = clientFor(server, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    const started = await client.jobs.start({ taskName: 'MT_Slow', taskType: 'MTT' });
    const error = (await waitWithFault(client, started, () => server.faults.failNext('activityMonitor', 10, 503)).catch((e: unknown) => e)) as IicsApiError;
    expect(error).toBeInstanceOf(IicsApiError);
    expect(error.status).toBe(503);
    expect(error.operation).toBe('GET /api/v2/activity/activityMonitor');
  });
});

describe('dropped connections', () => {
  test('a read whose connection is dropped is retried', async () => {
    const server = await fake({ tasks: [SLOW] });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Slow', taskType: 'MTT' });
    const final = await waitWithFault(client, started, () => server.faults.dropNext('activityMonitor', 2));
    expect(final.state).toBe('SUCCESS');
    expect(server.requests.filter((r) => r.dropped)).toHaveLength(2);
  });

  test('a start whose connection is dropped is not sent again: IICS_NETWORK', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    await client.tasks.lookup({ path: 'Sales/TEST/MT_Sales', type: 'MTT' }); // log in first
    server.faults.dropNext('job', 1);
    const error = (await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsNetworkError;
    expect(error).toBeInstanceOf(IicsNetworkError);
    expect(error.connectFailed).toBe(false);
    expect(count(server, 'job')).toBe(1);
  });

  test('a refused connection is IICS_NETWORK after the retries, marked connectFailed', async () => {
    // A port that was free a moment ago: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const logs: string[] = [];
    const client = createIicsClient({
      loginUrl: `http://127.0.0.1:${port}`,
      username: 'u',
      password: 'p-secret-pw',
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
      logger: { warn: (m) => logs.push(m) },
    });
    const error = (await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsNetworkError;
    await client.close();
    expect(error).toBeInstanceOf(IicsNetworkError);
    expect(error.connectFailed).toBe(true);
    expect(error.causeCode).toBe('ECONNREFUSED');
    expect(logs.filter((l) => l.includes('retry'))).toHaveLength(2);
  });
});

describe('abort and timeouts', () => {
  test('aborting a wait throws IICS_ABORTED with the run and its last status; the job goes on', async () => {
    const server = await fake({ tasks: [LONG] });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Long', taskType: 'MTT' });
    const controller = new AbortController();
    const error = (await client.jobs
      .wait(started, {
        pollIntervalMs: 10,
        signal: controller.signal,
        onUpdate: (s) => {
          if (s.state === 'RUNNING') controller.abort();
        },
      })
      .catch((e: unknown) => e)) as IicsAbortedError;
    expect(error).toBeInstanceOf(IicsAbortedError);
    expect(error).toMatchObject({ code: 'IICS_ABORTED', taskId: started.taskId, runId: started.runId });
    expect(error.lastStatus?.state).toBe('RUNNING');
    expect(server.runs[0]!.state).toBe('RUNNING');
  });

  test('aborting in the middle of a slow request ends it at once', async () => {
    const server = await fake({ tasks: [LONG] });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Long', taskType: 'MTT' });
    server.faults.latency('activityMonitor', 10_000);
    const controller = new AbortController();
    const pending = client.jobs.status(started, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toBeInstanceOf(IicsAbortedError);
    server.faults.reset();
  });

  test('an already aborted signal sends nothing', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    await expect(client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(IicsAbortedError);
    expect(server.requests).toHaveLength(0);
  });

  test('a wait timeout throws IICS_WAIT_TIMEOUT carrying taskId, runId and the last status', async () => {
    const server = await fake({ tasks: [LONG] });
    const { client } = clientFor(server);
    const updates: JobStatus[] = [];
    const error = (await client.jobs
      .run({ taskName: 'MT_Long', taskType: 'MTT' }, { pollIntervalMs: 10, timeoutMs: 400, onUpdate: (s) => updates.push(s) })
      .catch((e: unknown) => e)) as IicsWaitTimeoutError;
    expect(error).toBeInstanceOf(IicsWaitTimeoutError);
    expect(error).toMatchObject({ code: 'IICS_WAIT_TIMEOUT', taskId: server.runs[0]!.taskId, runId: 1, timeoutMs: 400 });
    expect(error.lastStatus).toBe(updates.at(-1));
    expect(error.lastStatus?.state).toBe('RUNNING');
    expect(server.runs[0]!.state).toBe('RUNNING');
  });

  test('a request slower than timeouts.requestMs is IICS_TIMEOUT', async () => {
    const server = await fake();
    const { client } = clientFor(server, { timeouts: { requestMs: 100 }, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
    await client.tasks.lookup({ path: 'Sales/TEST/MT_Sales', type: 'MTT' });
    server.faults.latency('activityMonitor', 1_000);
    const error = (await client.jobs.status({ taskId: server.tasks[0]!.id, runId: 1 }).catch((e: unknown) => e)) as IicsTimeoutError;
    server.faults.reset();
    expect(error).toBeInstanceOf(IicsTimeoutError);
    expect(error).toMatchObject({ code: 'IICS_TIMEOUT', timeoutMs: 100, operation: 'GET /api/v2/activity/activityMonitor' });
    // Timed-out reads are retried like other reads.
    expect(count(server, 'activityMonitor')).toBe(2);
  });
});
