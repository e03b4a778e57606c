import { describe, expect, test } from 'vitest';
import { createClock, createManualClock } from '../src/index.js';

describe('createClock', () => {
  test('starts at the given time and runs 1/timeScale times as fast as real time', async () => {
    const clock = createClock({ timeScale: 0.001, start: new Date('2024-03-10T06:00:00Z') });
    const start = clock.now();
    expect(start).toBeGreaterThanOrEqual(Date.parse('2024-03-10T06:00:00Z'));
    expect(clock.timeScale).toBe(0.001);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // 20 real ms are at least 20 fake seconds.
    expect(clock.now() - start).toBeGreaterThanOrEqual(19_000);
  });

  test('defaults to real time starting now', () => {
    const clock = createClock();
    expect(clock.timeScale).toBe(1);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000);
  });

  test('runs timers in due order and shows each its exact due time', async () => {
    const clock = createClock({ timeScale: 0.001, start: 0 });
    const seen: Array<[string, number]> = [];
    let base = 0;
    await new Promise<void>((resolve) => {
      // Set from inside a timer, where time stands exactly at its due time, so the dues are known.
      clock.setTimeout(() => {
        base = clock.now();
        clock.setTimeout(() => seen.push(['b', clock.now() - base]), 60_000);
        clock.setTimeout(() => seen.push(['a', clock.now() - base]), 30_000);
        clock.setTimeout(() => seen.push(['a2', clock.now() - base]), 30_000);
        clock.setTimeout(() => {
          seen.push(['c', clock.now() - base]);
          resolve();
        }, 90_000);
      }, 10);
    });
    expect(Number.isInteger(base)).toBe(true);
    expect(seen).toEqual([
      ['a', 30_000],
      ['a2', 30_000],
      ['b', 60_000],
      ['c', 90_000],
    ]);
  });

  test('never lets fake time pass a timer that has not fired yet', () => {
    const clock = createClock({ timeScale: 0.001, start: 0 });
    let fired = false;
    const before = clock.now();
    const handle = clock.setTimeout(() => (fired = true), 20_000);
    // Block the event loop for longer than the timer's 20 ms of real delay: fake time stops at its due time.
    const until = Date.now() + 40;
    while (Date.now() < until) {
      /* busy */
    }
    expect(fired).toBe(false);
    const stoppedAt = clock.now();
    expect(stoppedAt - before).toBeGreaterThanOrEqual(20_000);
    expect(stoppedAt - before).toBeLessThan(25_000);
    expect(clock.now()).toBe(stoppedAt);
    handle.cancel();
  });

  test('cancel stops a timer; sleep resolves after fake time and rejects on abort', async () => {
    const clock = createClock({ timeScale: 0.001, start: 0 });
    let fired = false;
    clock.setTimeout(() => (fired = true), 1_000).cancel();
    await clock.sleep(5_000);
    expect(fired).toBe(false);
    expect(clock.now()).toBeGreaterThanOrEqual(5_000);

    const controller = new AbortController();
    const sleeping = clock.sleep(60 * 60_000, controller.signal);
    controller.abort(new Error('stop waiting'));
    await expect(sleeping).rejects.toThrow('stop waiting');
    await expect(clock.sleep(1, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  test('refuses a bad timeScale or start with a message naming it', () => {
    expect(() => createClock({ timeScale: 0 })).toThrow(/timeScale/);
    expect(() => createClock({ timeScale: -1 })).toThrow(/timeScale/);
    expect(() => createClock({ timeScale: Number.NaN })).toThrow(/timeScale/);
    expect(() => createClock({ start: new Date('nope') })).toThrow(/start/);
  });
});

describe('createManualClock', () => {
  test('stands still until advanced, then runs due timers at their due times', () => {
    const clock = createManualClock({ start: 1_000 });
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 10);
    }, 100);
    clock.setTimeout(() => seen.push(clock.now()), 500);
    expect(clock.now()).toBe(1_000);
    clock.advance(200);
    expect(seen).toEqual([1_100, 1_110]);
    expect(clock.now()).toBe(1_200);
    clock.advance(300);
    expect(seen).toEqual([1_100, 1_110, 1_500]);
    expect(() => clock.advance(-1)).toThrow(/advance/);
  });
});
