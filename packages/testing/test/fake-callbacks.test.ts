import { parseCallbackUrlResponse } from '@iics-jobs/schema';
import { afterEach, describe, expect, test } from 'vitest';
import { iicsEasternTime, startFakeIics, type FakeIics } from '../src/index.js';
import { call, eventually, expectValid, loginV2, startReceiver, type Receiver } from './helpers.js';

const cleanup: Array<FakeIics | Receiver> = [];
afterEach(async () => {
  for (const item of cleanup) if ('violations' in item) expect(item.violations).toEqual([]);
  await Promise.all(cleanup.splice(0).map((item) => item.close()));
});

async function setup(options: Parameters<typeof startFakeIics>[0] = {}, status?: (body: any) => number | Promise<number>) {
  const fake = await startFakeIics({ timeScale: 0.001, ...options });
  const receiver = await startReceiver(status, fake.clock.now);
  cleanup.push(fake, receiver);
  const { session } = await loginV2(fake);
  const start = async (name: string, callbackURL = receiver.url) => {
    const t = fake.tasks.find((x) => x.name === name)!;
    const answer = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: t.id, taskType: t.type, callbackURL } });
    expect(answer.status).toBe(200);
    return answer.body as { taskId: string; runId: number };
  };
  return { fake, receiver, session, start };
}

describe('callbacks', () => {
  test('a job with a callbackURL POSTs the callbackUrlResponse when it ends', async () => {
    const { fake, receiver, start } = await setup();
    const job = await start('MT_Load');
    const run = await fake.waitForRun(job.taskId, job.runId);
    await fake.waitForCallbacks();
    expect(receiver.received).toHaveLength(1);
    const { body, headers } = receiver.received[0]!;
    expectValid(parseCallbackUrlResponse, body);
    expect(body).toEqual({
      '@type': 'callbackUrlResponse',
      endTime: iicsEasternTime(run.endedAt!),
      objectId: job.taskId,
      objectName: 'MT_Load',
      runId: job.runId,
      status: 'COMPLETED',
    });
    expect(headers['content-type']).toBe('application/json');
    expect(run.callbackDelivered).toBe(true);
    expect(run.callbackDeliveries).toEqual([{ at: run.endedAt, elapsedMs: 0, status: 200, delivery: 0 }]);
  });

  test('COMPLETED for success and warning, FAILED for failed and stopped runs', async () => {
    const { fake, receiver, session, start } = await setup();
    const jobs = { MT_Load: await start('MT_Load'), MT_Warning: await start('MT_Warning'), MT_Fail: await start('MT_Fail'), LT_Nightly: await start('LT_Nightly') };
    const stopped = await call(fake.serverUrl, 'POST', '/api/v2/job/stop', { session, body: { taskName: 'LT_Nightly', taskType: 'WORKFLOW' } });
    expect(stopped.status).toBe(200);
    await eventually(() => receiver.received.length === 4);
    await fake.waitForCallbacks();
    const statusOf = (name: keyof typeof jobs) => receiver.received.find((r) => r.body.objectId === jobs[name].taskId)?.body.status;
    expect(statusOf('MT_Load')).toBe('COMPLETED');
    expect(statusOf('MT_Warning')).toBe('COMPLETED');
    expect(statusOf('MT_Fail')).toBe('FAILED');
    expect(statusOf('LT_Nightly')).toBe('FAILED');
    // Only the taskflow calls back, not the tasks it ran.
    expect(receiver.received).toHaveLength(4);
  });

  test('the fake retries with IICS policy: a receiver down for 10 minutes gets the documented attempts', async () => {
    let firstAt: number | undefined;
    const { fake, receiver, start } = await setup({}, () => {
      firstAt ??= fake.clock.now();
      return fake.clock.now() - firstAt < 600_000 ? 500 : 200;
    });
    const job = await start('MT_Load');
    const run = await fake.waitForRun(job.taskId, job.runId);
    await fake.waitForCallbacks();
    expect(run.callbackDeliveries.map((d) => d.elapsedMs)).toEqual([0, 0, 0, 30_000, 90_000, 210_000, 390_000, 570_000, 750_000]);
    expect(run.callbackDeliveries.map((d) => d.at - run.endedAt!)).toEqual([0, 0, 0, 30_000, 90_000, 210_000, 390_000, 570_000, 750_000]);
    expect(run.callbackDeliveries.at(-1)!.status).toBe(200);
    expect(run.callbackDelivered).toBe(true);
    expect(receiver.received).toHaveLength(9);
  });

  test('the callbackRetrySchedule option; an unreachable receiver is recorded, not thrown', async () => {
    const { fake, start } = await setup({ callbackRetrySchedule: [0, 1_000] });
    const job = await start('MT_Load', 'http://127.0.0.1:1/unreachable');
    await fake.waitForRun(job.taskId, job.runId);
    await fake.waitForCallbacks();
    const run = fake.runs.find((r) => r.runId === job.runId && r.taskId === job.taskId)!;
    expect(run.callbackDelivered).toBe(false);
    expect(run.callbackDeliveries.map((d) => [d.elapsedMs, d.error])).toEqual([
      [0, 'ECONNREFUSED'],
      [0, 'ECONNREFUSED'],
      [1_000, 'ECONNREFUSED'],
    ]);
  });

  test('200 concurrent jobs with callbacks all complete, each called back once with its own runId', async () => {
    const { fake, receiver, session } = await setup({
      tasks: [
        { name: 'MT_A', type: 'MTT' },
        { name: 'MT_B', type: 'MTT', outcome: 'warning' },
        { name: 'MT_C', type: 'MTT', outcome: 'failed', durationMs: 45_000 },
        { name: 'LT_D', type: 'WORKFLOW' },
      ],
    });
    const tasks = fake.tasks.filter((t) => ['MT_A', 'MT_B', 'MT_C', 'LT_D'].includes(t.name));
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: tasks[i % 4]!.id, taskType: tasks[i % 4]!.type, callbackURL: `${receiver.url}?job=${i}` } }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    for (const t of tasks) {
      const runIds = answers.filter((a) => a.body.taskId === t.id).map((a) => a.body.runId).sort((a, b) => a - b);
      expect(runIds).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    }
    await Promise.all(answers.map((a) => fake.waitForRun(a.body.taskId, a.body.runId)));
    await fake.waitForCallbacks();

    expect(receiver.received).toHaveLength(200);
    const keys = new Set(receiver.received.map((r) => `${r.body.objectId}/${r.body.runId}`));
    expect(keys.size).toBe(200);
    const expected: Record<string, string> = { MT_A: 'COMPLETED', MT_B: 'COMPLETED', MT_C: 'FAILED', LT_D: 'COMPLETED' };
    for (const { body } of receiver.received) {
      expectValid(parseCallbackUrlResponse, body);
      expect(body.status).toBe(expected[body.objectName]);
    }
    const topLevel = fake.runs.filter((r) => !r.parent);
    expect(topLevel).toHaveLength(200);
    expect(topLevel.every((r) => r.callbackDelivered === true && r.callbackDeliveries.length === 1)).toBe(true);

    const { session: s2 } = await loginV2(fake);
    const log = await call(fake.serverUrl, 'GET', '/api/v2/activity/activityLog?rowLimit=1000', { session: s2 });
    expect(log.body).toHaveLength(200);
  });

  test('duplicateCallbacks sequential: the same callback again after the first was received', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { fake, receiver, start } = await setup({}, async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      return 200;
    });
    fake.faults.duplicateCallbacks(2, 'sequential');
    const job = await start('MT_Load');
    await fake.waitForRun(job.taskId, job.runId);
    await fake.waitForCallbacks();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(maxInFlight).toBe(1);
    const run = fake.runs.find((r) => r.taskId === job.taskId && r.runId === job.runId)!;
    expect(run.callbackDeliveries.map((d) => [d.delivery, d.status])).toEqual([
      [0, 200],
      [1, 200],
      [2, 200],
    ]);
  });

  test('duplicateCallbacks concurrent: the copies arrive at the same time', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { fake, receiver, start } = await setup({}, async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 100));
      inFlight--;
      return 200;
    });
    fake.faults.duplicateCallbacks(2, 'concurrent');
    const job = await start('MT_Load');
    await fake.waitForRun(job.taskId, job.runId);
    await fake.waitForCallbacks();
    expect(receiver.received).toHaveLength(3);
    expect(maxInFlight).toBe(3);
    fake.faults.reset();
    const second = await start('MT_Load');
    await fake.waitForRun(second.taskId, second.runId);
    await fake.waitForCallbacks();
    expect(receiver.received).toHaveLength(4);
  });

  test('close() ends pending callback retries and leaves nothing running', async () => {
    const fake = await startFakeIics({ timeScale: 0.001 });
    const receiver = await startReceiver(() => 500);
    cleanup.push(receiver);
    const { session } = await loginV2(fake);
    const t = fake.tasks[0]!;
    await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: t.id, taskType: t.type, callbackURL: receiver.url } });
    await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: t.id, taskType: t.type } });
    await eventually(() => receiver.received.length >= 3);
    const waiting = fake.waitForCallbacks();
    const waitingRun = fake.waitForRun(t.id, 99);
    await fake.close();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect(waitingRun).rejects.toThrow(/closed/);
    const countAtClose = receiver.received.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received.length).toBe(countAtClose);
    await expect(fetch(`${fake.loginUrl}/ma/api/v2/user/login`, { method: 'POST', signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    await expect(fetch(`${fake.serverUrl}/api/v2/activity/activityMonitor`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    // Closing twice is harmless.
    await fake.close();
  });

  test('waitForRun and waitForCallbacks take an AbortSignal; waitForRun checks its arguments', async () => {
    const { fake, start } = await setup({ timeScale: 1 });
    const job = await start('MT_Load');
    await expect(fake.waitForRun(job.taskId, job.runId, { signal: AbortSignal.timeout(20) })).rejects.toThrow();
    await expect(fake.waitForCallbacks({ signal: AbortSignal.timeout(20) })).rejects.toThrow();
    await expect(fake.waitForRun('nope', 1)).rejects.toThrow(/no task has the id/);
    await expect(fake.waitForRun(job.taskId, 0)).rejects.toThrow(/runId/);
  });
});
