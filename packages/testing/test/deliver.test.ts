import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCallbackUrlResponse } from '@iics-jobs/schema';
import { afterEach, describe, expect, test } from 'vitest';
import { createClock, createManualClock, deliverCallback, fixtures } from '../src/index.js';
import { eventually, expectValid, startReceiver, type Receiver } from './helpers.js';

const receivers: Receiver[] = [];
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('deliverCallback', () => {
  test('a receiver down (500) for 10 minutes, then up: the exact attempt times of IICS policy', async () => {
    const clock = createClock({ timeScale: 0.001 });
    let firstAt: number | undefined;
    const down = await receiver(() => {
      firstAt ??= clock.now();
      return clock.now() - firstAt < 10 * 60_000 ? 500 : 200;
    }, clock.now);
    const payload = fixtures.callbackUrlResponse();

    const result = await deliverCallback(down.url, payload, { clock });

    expect(result.delivered).toBe(true);
    expect(result.attempts.map((a) => a.elapsedMs)).toEqual([0, 0, 0, 30_000, 90_000, 210_000, 390_000, 570_000, 750_000]);
    expect(result.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500, 500, 500, 500, 500, 200]);
    for (const attempt of result.attempts) expect(attempt.at).toBe(result.attempts[0]!.at + attempt.elapsedMs);
    // The first attempt after 600 s is the first that succeeds.
    expect(result.attempts.findIndex((a) => a.elapsedMs > 600_000)).toBe(8);
    expect(down.received).toHaveLength(9);
    for (const { body, headers } of down.received) {
      expect(body).toEqual(payload);
      expectValid(parseCallbackUrlResponse, body);
      expect(headers['content-type']).toBe('application/json');
    }
  });

  test('a receiver that never answers 200 gets all 14 attempts within 30 minutes', async () => {
    const never = await receiver(() => 503);
    // The whole 30-minute window in about 17 ms of real time: the clock keeps the schedule exact at any speed.
    const result = await deliverCallback(never.url, fixtures.callbackUrlResponse(), { timeScale: 0.00001 });
    expect(result.delivered).toBe(false);
    expect(result.attempts.map((a) => a.elapsedMs)).toEqual([
      0, 0, 0, 30_000, 90_000, 210_000, 390_000, 570_000, 750_000, 930_000, 1_110_000, 1_290_000, 1_470_000, 1_650_000,
    ]);
    expect(never.received).toHaveLength(14);
  });

  test('only exactly 200 counts: 201 and 204 are failed attempts', async () => {
    const answers = [201, 204, 200];
    const picky = await receiver(() => answers.shift() ?? 200);
    const result = await deliverCallback(picky.url, { objectId: 'x', runId: 1, status: 'COMPLETED' }, { timeScale: 0.001 });
    expect(result.delivered).toBe(true);
    expect(result.attempts.map((a) => a.status)).toEqual([201, 204, 200]);
  });

  test('a connection error is a failed attempt with its code', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await deliverCallback(`http://127.0.0.1:${port}/cb`, { runId: 1 }, { timeScale: 0.001, schedule: [0, 5_000] });
    expect(result.delivered).toBe(false);
    expect(result.attempts).toHaveLength(3);
    expect(result.attempts.map((a) => a.elapsedMs)).toEqual([0, 0, 5_000]);
    for (const attempt of result.attempts) {
      expect(attempt.error).toBe('ECONNREFUSED');
      expect(attempt.status).toBeUndefined();
    }
  });

  test('no answer within the attempt timeout is a failed attempt (timeout at least 1 s real)', async () => {
    const hanging = await receiver(() => new Promise<number>(() => {}));
    const started = Date.now();
    const result = await deliverCallback(hanging.url, { runId: 1 }, { timeScale: 0.001, schedule: [0] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(result.delivered).toBe(false);
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]!.error).toBe('no answer within 30000 ms');
    // The next attempt starts when the timed-out one ended: at least 30 s of fake time later.
    expect(result.attempts[1]!.elapsedMs).toBeGreaterThanOrEqual(30_000);
    expect(hanging.received).toHaveLength(2);
  });

  test('windowMs ends the retries; custom headers are sent', async () => {
    const down = await receiver(() => 500);
    const result = await deliverCallback(down.url, { runId: 1 }, { timeScale: 0.001, windowMs: 100_000, headers: { 'x-test': 'yes' } });
    expect(result.attempts.map((a) => a.elapsedMs)).toEqual([0, 0, 0, 30_000, 90_000]);
    expect(down.received[0]!.headers['x-test']).toBe('yes');
  });

  test('with a manual clock, retries wait until the clock is advanced', async () => {
    const clock = createManualClock({ start: Date.parse('2024-06-01T12:00:00Z') });
    const answers = [500, 500, 500, 200];
    const flaky = await receiver(() => answers.shift() ?? 200);
    const delivering = deliverCallback(flaky.url, { runId: 7 }, { clock });
    await eventually(() => flaky.received.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(flaky.received).toHaveLength(3);
    clock.advance(30_000);
    const result = await delivering;
    expect(result.attempts.map((a) => [a.at - Date.parse('2024-06-01T12:00:00Z'), a.status])).toEqual([
      [0, 500],
      [0, 500],
      [0, 500],
      [30_000, 200],
    ]);
  });

  test('an abort stops the delivery and rejects with the reason', async () => {
    const down = await receiver(() => 500);
    const controller = new AbortController();
    const delivering = deliverCallback(down.url, { runId: 1 }, { timeScale: 1, signal: controller.signal });
    await eventually(() => down.received.length === 3);
    controller.abort(new Error('test over'));
    await expect(delivering).rejects.toThrow('test over');
  });

  test('bad arguments get errors naming them, and never echo the URL', async () => {
    await expect(deliverCallback('not a url?secret=abc', {})).rejects.toThrow(/^url must be an absolute http\(s\) URL, got an unparsable string$/);
    await expect(deliverCallback('ftp://127.0.0.1/x', {})).rejects.toThrow(/http or https/);
    await expect(deliverCallback('http://127.0.0.1:1/x', undefined)).rejects.toThrow(/payload/);
    await expect(deliverCallback('http://127.0.0.1:1/x', {}, { schedule: [0, -1] })).rejects.toThrow(/schedule\[1\]/);
    await expect(deliverCallback('http://127.0.0.1:1/x', {}, { attemptTimeoutMs: 0 })).rejects.toThrow(/attemptTimeoutMs/);
    await expect(deliverCallback('http://127.0.0.1:1/x', {}, { windowMs: -5 })).rejects.toThrow(/windowMs/);
    await expect(deliverCallback('http://127.0.0.1:1/x', {}, { timeScale: 0 })).rejects.toThrow(/timeScale/);
  });
});
