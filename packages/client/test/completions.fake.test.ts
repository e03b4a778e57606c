import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { describe, expect, test } from 'vitest';
import type { CompletionSource, JobRef } from '../src/index.js';
import { clientFor, count, fake } from './helpers/fake.js';

// The client's side of waiting on a callback, against the fake IICS over real HTTP. The full path
// (fake → receiver → hub → wait) is tested in e2e/test/completions.test.ts: the client does not
// depend on @iics-jobs/callback-express, so here the completion sources are written out.

/** A source that never hears of any callback, and says so when asked to stop. */
function silentSource(): CompletionSource & { waits: JobRef[]; stopped: number } {
  const source = {
    waits: [] as JobRef[],
    stopped: 0,
    waitFor(ref: JobRef, signal: AbortSignal): Promise<CallbackUrlResponse> {
      source.waits.push(ref);
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          source.stopped += 1;
          reject(signal.reason);
        });
      });
    },
  };
  return source;
}

/** Fake-clock times of the activityMonitor requests. */
const monitorTimes = (server: Awaited<ReturnType<typeof fake>>): number[] => server.requests.filter((r) => r.route === 'activityMonitor').map((r) => r.at);

describe('jobs.wait with completions', () => {
  test('without completions the wait polls, and says so: endedBy "poll" and the number of status reads', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Load', type: 'MTT', durationMs: 200_000 }] });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    const result = await client.jobs.wait(started, { pollIntervalMs: 20 });
    expect(result).toMatchObject({ state: 'SUCCESS', endedBy: 'poll' });
    expect(result.statusRequests).toBe(count(server, 'activityMonitor'));
    expect(result.statusRequests).toBeGreaterThan(2);
  });

  test('a source that fails hands the wait back to polling at pollIntervalMs, and the log says so', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Load', type: 'MTT', durationMs: 300_000 }] });
    const { client, logs } = clientFor(server);
    const broken: CompletionSource = { waitFor: async () => Promise.reject(new Error('Redis is down')) };
    const result = await client.jobs.run(
      { taskName: 'MT_Load', taskType: 'MTT' },
      { completions: broken, pollIntervalMs: 20, fallbackPollIntervalMs: 600_000, timeoutMs: 10_000 },
    );
    expect(result).toMatchObject({ state: 'SUCCESS', endedBy: 'poll' });
    expect(result.statusRequests).toBeGreaterThan(2);
    expect(logs.join('\n')).toMatch(/warn Waiting on the callback of run 1 failed; polling every 20 ms instead .*"error":"Redis is down"/);
  });

  test('a source that resolves with another run\'s callback does not end the wait: it is polled to its real end', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Load', type: 'MTT', durationMs: 300_000 }] });
    const { client, logs } = clientFor(server);
    const confused: CompletionSource = {
      waitFor: async (ref) => ({ '@type': 'callbackUrlResponse', objectId: ref.taskId, runId: ref.runId + 1, status: 'COMPLETED' }),
    };
    const started = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    const result = await client.jobs.wait(started, { completions: confused, pollIntervalMs: 20, timeoutMs: 10_000 });
    expect(result).toMatchObject({ state: 'SUCCESS', endedBy: 'poll' });
    expect(logs.join('\n')).toMatch(/resolved with the callback of run 2 of task/);
  });

  test('the fallback polls start at fallbackPollIntervalMs and space out to 5 times it; the source is told to stop when they end the wait', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Load', type: 'MTT', durationMs: 1_500_000 }] });
    const { client } = clientFor(server);
    const source = silentSource();
    const started = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    const result = await client.jobs.wait(started, { completions: source, fallbackPollIntervalMs: 30, pollIntervalMs: 600_000, timeoutMs: 10_000 });
    expect(result).toMatchObject({ state: 'SUCCESS', endedBy: 'poll' });
    // Polls at 30, 90, 210, 360, 510, ... ms of a 1.5 s run: gaps of 60, 120, then 150 ms; not every 30 ms,
    // and not pollIntervalMs (that one is for a failed source).
    const times = monitorTimes(server);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(result.statusRequests).toBeGreaterThanOrEqual(4);
    expect(result.statusRequests).toBeLessThan(15);
    expect(Math.max(...gaps)).toBeGreaterThan(2 * Math.min(...gaps));
    expect(source.waits).toEqual([{ taskId: started.taskId, runId: started.runId }]);
    expect(source.stopped).toBe(1);
  });

  test('bad options get an error naming the field, before any request', async () => {
    const server = await fake();
    const { client } = clientFor(server);
    const ref = { taskId: 'x', runId: 1 };
    await expect(client.jobs.wait(ref, { completions: {} as never })).rejects.toMatchObject({ code: 'IICS_INVALID_ARGUMENT', field: 'completions' });
    await expect(client.jobs.wait(ref, { completions: silentSource(), fallbackPollIntervalMs: 0 })).rejects.toMatchObject({ field: 'fallbackPollIntervalMs' });
    await expect(client.jobs.run({ taskName: 'MT_Load', taskType: 'MTT' }, { callbackBaseUrl: 'ftp://x' })).rejects.toMatchObject({ field: 'callbackBaseUrl' });
    await expect(
      client.jobs.run({ taskName: 'MT_Load', taskType: 'MTT', callbackURL: 'https://a.example/cb' }, { callbackBaseUrl: 'https://b.example/cb' }),
    ).rejects.toMatchObject({ field: 'callbackBaseUrl', message: expect.stringMatching(/not both/) });
    expect(server.requests).toHaveLength(0);
  });
});
