import express from 'express';
import { callbackRetrySchedule, createClock, deliverCallback, fixtures, startFakeIics } from '@iics-jobs/testing';
import { afterEach, describe, expect, test } from 'vitest';
import { callbackUrl, createCallbackMiddleware } from '../src/index.js';
import { recorder, startReceiver } from './helpers/app.js';
import { listen, type Running, sleep } from './helpers/server.js';

// IICS's retry policy played 1000x faster: the 30-minute window lasts 1.8 s.
const timeScale = 0.001;

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  open.push(r);
  return r;
}

describe('deliveries under IICS retry policy (deliverCallback)', () => {
  test("the documentation's sample is delivered at the first attempt and handled once", async () => {
    const handler = recorder();
    const r = await receiver({ onCallback: handler.onCallback });
    const result = await deliverCallback(r.callbackUrl, fixtures.docCallbackSample, { timeScale });
    expect(result.delivered).toBe(true);
    expect(result.attempts.map((a) => a.status)).toEqual([200]);
    expect(handler.calls.map((c) => c.callback)).toEqual([fixtures.docCallbackSample]);
  });

  test('the same callback delivered five times concurrently and five times in a row: handled once', async () => {
    const handler = recorder(() => sleep(50));
    const r = await receiver({ onCallback: handler.onCallback });
    const payload = fixtures.callbackUrlResponse();
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => deliverCallback(r.callbackUrl, payload, { timeScale })));
    for (let i = 0; i < 5; i += 1) expect((await deliverCallback(r.callbackUrl, payload, { timeScale })).delivered).toBe(true);
    expect(concurrent.every((d) => d.delivered)).toBe(true);
    expect(handler.calls).toHaveLength(1);
  });

  test('a handler that throws once: the first attempt gets 500, the immediate retry is processed once', async () => {
    const handler = recorder((_c, call) => {
      if (call === 1) throw new Error('transient');
    });
    const r = await receiver({ onCallback: handler.onCallback });
    const result = await deliverCallback(r.callbackUrl, fixtures.docCallbackSample, { timeScale });
    expect(result.attempts.map((a) => a.status)).toEqual([500, 200]);
    expect(handler.calls).toHaveLength(2);
    expect((await deliverCallback(r.callbackUrl, fixtures.docCallbackSample, { timeScale })).attempts.map((a) => a.status)).toEqual([200]);
    expect(handler.calls).toHaveLength(2);
  });

  test('a handler slower than handlerTimeoutMs: 503, then 409 while it runs, then 200, and it ran once', async () => {
    const handler = recorder(() => sleep(600));
    const r = await receiver({ onCallback: handler.onCallback, handlerTimeoutMs: 200 });
    const result = await deliverCallback(r.callbackUrl, fixtures.docCallbackSample, { timeScale });
    const statuses = result.attempts.map((a) => a.status);
    expect(result.delivered).toBe(true);
    expect(statuses[0]).toBe(503);
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.slice(1, -1).every((s) => s === 409)).toBe(true);
    expect(statuses.length).toBeGreaterThan(2);
    expect(handler.calls).toHaveLength(1);
  });

  test('a receiver down for ten minutes: the callback is processed once when it comes back', async () => {
    const handler = recorder();
    const makeApp = () => {
      const app = express();
      app.post('/iics/callback', createCallbackMiddleware({ onCallback: handler.onCallback, secret: 'restart-secret' }));
      return app;
    };
    // Find a port, then take the receiver down: every attempt is refused until it listens there again.
    const first = await listen(makeApp());
    const { port } = first;
    await first.close();
    const url = callbackUrl(`http://127.0.0.1:${port}/iics/callback`, { secret: 'restart-secret' });

    const clock = createClock({ timeScale });
    const delivery = deliverCallback(url, fixtures.docCallbackSample, { clock });
    let back: Running | undefined;
    try {
      await clock.sleep(10 * 60_000);
      back = await listen(makeApp(), port);
      const result = await delivery;

      expect(result.delivered).toBe(true);
      // The attempts keep to IICS's schedule: 0, 0, 0, 30 s, 90 s, 210 s, 390 s, 570 s, 750 s, ...
      let elapsed = 0;
      const due = [0, ...callbackRetrySchedule().map((d) => (elapsed += d))];
      expect(result.attempts.map((a) => a.elapsedMs)).toEqual(due.slice(0, result.attempts.length));
      const failed = result.attempts.slice(0, -1);
      // Attempts well inside the ten minutes (0, 0, 0, 30 s, 90 s, 210 s, 390 s) all met a closed port.
      expect(failed.filter((a) => a.elapsedMs < 9 * 60_000).length).toBeGreaterThanOrEqual(7);
      for (const attempt of failed) {
        expect(attempt.status).toBeUndefined();
        expect(attempt.error).toBe('ECONNREFUSED');
      }
      expect(result.attempts.at(-1)?.status).toBe(200);
      expect(handler.calls).toHaveLength(1);
      expect(handler.calls[0]?.callback).toEqual(fixtures.docCallbackSample);
    } finally {
      await back?.close();
    }
  });
});

describe('against the fake IICS', () => {
  test('a job started with a callbackURL: the callback it sends (four times at once) is handled once', async () => {
    const fake = await startFakeIics({ timeScale, tasks: [{ name: 'MT_Load', type: 'MTT', durationMs: 60_000 }] });
    open.push(fake);
    fake.faults.duplicateCallbacks(3, 'concurrent');
    const handler = recorder(() => sleep(30));
    const r = await receiver({ onCallback: handler.onCallback, secret: 'fake-secret' });

    const login = await fetch(`${fake.loginUrl}/ma/api/v2/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ '@type': 'login', ...fake.credentials }),
      signal: AbortSignal.timeout(5_000),
    });
    const session = (await login.json()) as { serverUrl: string; icSessionId: string };
    const task = fake.tasks[0]!;
    const started = await fetch(`${session.serverUrl}/api/v2/job`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', icSessionId: session.icSessionId },
      body: JSON.stringify({
        '@type': 'job',
        taskId: task.id,
        taskType: 'MTT',
        callbackURL: callbackUrl(r.callbackUrl, { secret: 'fake-secret' }),
      }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(started.status).toBe(200);
    const job = (await started.json()) as { runId: number };

    await fake.waitForRun(task.id, job.runId);
    await fake.waitForCallbacks();
    const finalRun = fake.runs.find((x) => x.taskId === task.id && x.runId === job.runId)!;
    const statuses = finalRun.callbackDeliveries.map((d) => d.status);
    // Four deliveries, each retried until it got a 200: four 200s, plus a 409 for every attempt that met the first in flight.
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(handler.calls).toHaveLength(1);
    expect(handler.calls[0]?.callback).toMatchObject({ objectId: task.id, runId: job.runId, status: 'COMPLETED' });
  });
});
