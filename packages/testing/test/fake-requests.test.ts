import net from 'node:net';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createManualClock, startFakeIics, type Clock, type FakeIics, type RecordedRequest } from '../src/index.js';
import { call, eventually, expectV2Error, loginV2 } from './helpers.js';

const START = Date.parse('2024-01-15T15:00:00Z');
const fakes: FakeIics[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function start(options: Parameters<typeof startFakeIics>[0] = {}): Promise<FakeIics> {
  const fake = await startFakeIics(options);
  fakes.push(fake);
  return fake;
}

/** Sends the head of a request and part of its body, then goes away. */
async function abortMidBody(base: string, path: string): Promise<void> {
  const { hostname, port } = new URL(base);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"taskName":`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
  await new Promise((resolve) => socket.once('close', resolve));
}

const ended = (r: RecordedRequest): boolean => r.status !== undefined || r.dropped === true || r.aborted === true;

describe('every recorded request ends with a status, dropped or aborted', () => {
  test('a client that goes away in the middle of its body: aborted, and the next request is answered', async () => {
    const fake = await start();
    await abortMidBody(fake.serverUrl, '/saas/api/v2/job');
    await eventually(() => fake.requests.length === 1 && ended(fake.requests[0]!));
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/saas/api/v2/job', route: 'job', aborted: true });
    expect(fake.requests[0]!.status).toBeUndefined();
    await loginV2(fake);
    expect(fake.requests[1]).toMatchObject({ path: '/ma/api/v2/user/login', status: 200 });
    expect(fake.requests[1]!.aborted).toBeUndefined();
    expect(fake.violations).toEqual([]);
  });

  test('a client that gives up during a latency fault: aborted', async () => {
    const fake = await start();
    const { session } = await loginV2(fake);
    fake.faults.latency('activityMonitor', 300);
    await expect(
      fetch(`${fake.serverUrl}/api/v2/activity/activityMonitor`, { headers: { icSessionId: session }, signal: AbortSignal.timeout(50) }),
    ).rejects.toThrow();
    const record = fake.requests.at(-1)!;
    await eventually(() => ended(record));
    expect(record).toMatchObject({ route: 'activityMonitor', aborted: true });
    expect(record.status).toBeUndefined();
    expect(fake.violations).toEqual([]);
  });

  test('a request the fake fails on unexpectedly (the 500 fallback) is recorded with its status', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const inner = createManualClock({ start: START });
    // A clock that breaks after one more reading: the request's arrival time, then the session check.
    let readings = Number.POSITIVE_INFINITY;
    const clock: Clock = {
      now: () => {
        if (readings-- <= 0) throw new Error('the clock broke');
        return inner.now();
      },
      setTimeout: (fn, ms) => inner.setTimeout(fn, ms),
      sleep: (ms, signal) => inner.sleep(ms, signal),
      timeScale: inner.timeScale,
    };
    const fake = await start({ clock });
    const { session } = await loginV2(fake);
    readings = 1;
    const answer = await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session });
    readings = Number.POSITIVE_INFINITY;
    expectV2Error(answer, 500, 'INTERNAL_ERROR');
    expect(fake.requests.at(-1)).toMatchObject({ path: '/saas/api/v2/activity/activityMonitor', status: 500 });
    // A failure of the fake itself is a violation.
    expect(fake.violations).toEqual([expect.stringContaining('the clock broke')]);
  });

  test('a request target that is not a URL: 400, recorded, no violation', async () => {
    const fake = await start();
    const { port } = new URL(fake.serverUrl);
    const socket = net.connect(Number(port), '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.write('GET http://[bad/saas/api/v2/activity/activityMonitor HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ '@type': 'error', code: 'APP_13401', statusCode: 400 });
    expect(fake.requests).toEqual([expect.objectContaining({ path: 'http://[bad/saas/api/v2/activity/activityMonitor', status: 400 })]);
    expect(fake.violations).toEqual([]);
  });

  test('the fake closing during a latency fault: aborted', async () => {
    const fake = await start();
    const { session } = await loginV2(fake);
    fake.faults.latency('activityMonitor', 60_000);
    const pending = call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session }).catch((error: unknown) => error);
    await eventually(() => fake.requests.length === 2);
    await fake.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(fake.requests[1]).toMatchObject({ route: 'activityMonitor', aborted: true });
  });
});

describe('maxRecorded', () => {
  test('is unlimited by default and validated', async () => {
    await expect(startFakeIics({ maxRecorded: -1 })).rejects.toThrow(/maxRecorded must be an integer >= 0 or Infinity/);
    await expect(startFakeIics({ maxRecorded: 1.5 })).rejects.toThrow(/maxRecorded/);
    await expect(startFakeIics({ maxRecorded: Number.NaN })).rejects.toThrow(/maxRecorded/);
    const fake = await start();
    const { session } = await loginV2(fake);
    for (let i = 0; i < 5; i++) await call(fake.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session });
    expect(fake.requests).toHaveLength(6);
  });

  test('keeps the last N requests, in the same array', async () => {
    const fake = await start({ maxRecorded: 3 });
    const requests = fake.requests;
    const { session } = await loginV2(fake);
    for (let i = 0; i < 5; i++) await call(fake.serverUrl, 'GET', `/api/v2/activity/activityLog?offset=${i}`, { session });
    expect(fake.requests).toBe(requests);
    expect(fake.requests.map((r) => r.query.offset)).toEqual(['2', '3', '4']);
  });

  test('keeps the last N runs: the oldest ended runs go (a taskflow with its tasks), active runs stay', async () => {
    const clock = createManualClock({ start: START });
    const fake = await start({
      clock,
      maxRecorded: 3,
      tasks: [
        { name: 'MT_Short', type: 'MTT', durationMs: 1_000, queuedMs: 0 },
        { name: 'MT_Long', type: 'MTT', durationMs: 100_000, queuedMs: 0 },
        { name: 'LT_Flow', type: 'WORKFLOW', queuedMs: 0, durationMs: 2_000, children: [{ name: 'MT_Child', type: 'MTT', durationMs: 1_000, queuedMs: 0 }] },
      ],
    });
    const { session } = await loginV2(fake);
    const runs = fake.runs;
    const startTask = async (name: string) => {
      const answer = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskName: name, taskType: name.startsWith('LT') ? 'WORKFLOW' : 'MTT' } });
      expect(answer.status).toBe(200);
      return answer.body as { taskId: string; runId: number };
    };
    const shown = () => fake.runs.map((r) => `${r.taskName}#${r.runId}`);
    const logged = async () =>
      ((await call(fake.serverUrl, 'GET', '/api/v2/activity/activityLog', { session })).body as Array<{ objectName: string; runId: number }>).map(
        (e) => `${e.objectName}#${e.runId}`,
      );

    const long = await startTask('MT_Long');
    const flow = await startTask('LT_Flow');
    clock.advance(0);
    expect(shown()).toEqual(['MT_Long#1', 'LT_Flow#1', 'MT_Child#1']);
    clock.advance(2_000);
    expect(await logged()).toEqual(['LT_Flow#1']);

    // A fourth run: the taskflow (ended) goes with its task; MT_Long (running) stays.
    const short = await startTask('MT_Short');
    expect(shown()).toEqual(['MT_Long#1', 'MT_Short#1']);
    expect(fake.runs).toBe(runs);
    expect(await logged()).toEqual([]);
    await expect(fake.waitForRun(flow.taskId, flow.runId)).rejects.toThrow(/left the kept history/);

    // Runs that have not ended are all kept, even beyond the cap.
    await startTask('MT_Long');
    await startTask('MT_Long');
    await startTask('MT_Long');
    expect(shown()).toEqual(['MT_Long#1', 'MT_Short#1', 'MT_Long#2', 'MT_Long#3', 'MT_Long#4']);
    clock.advance(1_000);
    // MT_Short ended: the oldest ended run, dropped at once since five runs are kept.
    expect(shown()).toEqual(['MT_Long#1', 'MT_Long#2', 'MT_Long#3', 'MT_Long#4']);
    await expect(fake.waitForRun(short.taskId, short.runId)).rejects.toThrow(/maxRecorded 3/);
    clock.advance(100_000);
    expect(shown()).toEqual(['MT_Long#2', 'MT_Long#3', 'MT_Long#4']);
    expect(await logged()).toEqual(['MT_Long#4', 'MT_Long#3', 'MT_Long#2']);
    expect((await fake.waitForRun(long.taskId, 4)).state).toBe('SUCCESS');
    expect(fake.violations).toEqual([]);
  });
});
