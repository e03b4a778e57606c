import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { deliverCallback, fixtures, startFakeIics, type FakeIics } from '../src/index.js';
import { call, loginV2 } from './helpers.js';

// Deliveries at scale: thousands of runs ending at once must not make the fake fail receivers
// that answered in time, nor open a connection per attempt.
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function countingReceiver(onRequest: (res: http.ServerResponse) => void = (res) => res.end('ok')) {
  let connections = 0;
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => onRequest(res));
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`,
    stats: () => ({ connections, requests }),
  };
}

describe('callback delivery at scale', () => {
  test('an answer that came while the event loop was stalled past the timeout counts: no false timeout, no extra attempt', async () => {
    // The receiver answers at once, then blocks this process for 1.5 s: longer than the attempt's
    // real-time floor (1 s). The answer waits unread in the socket while the timers fall due.
    const receiver = await countingReceiver((res) => {
      res.end('ok');
      const until = Date.now() + 1_500;
      while (Date.now() < until) {
        // busy: the event loop is stalled, as under thousands of deliveries at once
      }
    });
    const result = await deliverCallback(receiver.url, fixtures.callbackUrlResponse(), { timeScale: 0.001, schedule: [0, 0] });
    expect(result.attempts.map((a) => a.status ?? a.error)).toEqual([200]);
    expect(result.delivered).toBe(true);
    expect(receiver.stats().requests).toBe(1);
  });

  test("the fake's callbacks of 300 runs ending at once share at most 128 kept-alive connections to a receiver", async () => {
    // A session that outlives the 300 starts on a busy machine (30 fake minutes are 1.8 s here).
    const fake: FakeIics = await startFakeIics({ timeScale: 0.001, sessionIdleMs: 24 * 3_600_000, tasks: [{ name: 'MT_Many', type: 'MTT' }] });
    closers.push(() => fake.close());
    const receiver = await countingReceiver();
    const { session } = await loginV2(fake);
    const task = fake.tasks.find((t) => t.name === 'MT_Many')!;
    const answers = await Promise.all(
      Array.from({ length: 300 }, () =>
        call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId: task.id, taskType: task.type, callbackURL: receiver.url } }),
      ),
    );
    expect(answers.filter((a) => a.status !== 200).map((a) => JSON.stringify(a.body)).slice(0, 3)).toEqual([]);
    await Promise.all(answers.map((a) => fake.waitForRun(a.body.taskId, a.body.runId)));
    await fake.waitForCallbacks();

    const runs = fake.runs.filter((r) => !r.parent);
    expect(runs).toHaveLength(300);
    const attempts = runs.flatMap((r) => r.callbackDeliveries.map((a) => a.status ?? a.error));
    expect(attempts.filter((a) => a !== 200)).toEqual([]);
    expect(runs.every((r) => r.callbackDelivered === true && r.callbackDeliveries.length === 1)).toBe(true);
    expect(receiver.stats().requests).toBe(300);
    // A fresh connection per attempt would be 300.
    expect(receiver.stats().connections).toBeLessThanOrEqual(128);
    expect(fake.violations).toEqual([]);
  });
});
