import { describe, expect, test } from 'vitest';
import { MemoryStore, MemoryStoreFullError } from '../src/index.js';

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('MemoryStore', () => {
  test('claim, in-flight, done, and only the claim holder can release or complete', async () => {
    const store = new MemoryStore();
    expect(await store.claim('k', 'a', 1_000)).toBe('claimed');
    expect(await store.claim('k', 'b', 1_000)).toBe('in-flight');
    expect(await store.claim('k', 'a', 1_000)).toBe('claimed');
    expect(await store.release('k', 'b')).toBe(false);
    expect(await store.markDone('k', 'b', 1_000)).toBe(false);
    expect(store.peek('k')).toBe('claimed');
    expect(await store.markDone('k', 'a', 1_000)).toBe(true);
    expect(await store.claim('k', 'c', 1_000)).toBe('done');
    expect(await store.release('k', 'a')).toBe(false);
    expect(store.peek('k')).toBe('done');
  });

  test('a done mark keeps no token: completing a key already done is a no-op that succeeds', async () => {
    const store = new MemoryStore();
    await store.claim('k', 'a', 1_000);
    expect(await store.markDone('k', 'a', 1_000)).toBe(true);
    expect(await store.markDone('k', 'late-holder', 1_000)).toBe(true);
    expect(await store.release('k', 'late-holder')).toBe(false);
    expect(store.peek('k')).toBe('done');
  });

  test('a released key can be claimed again', async () => {
    const store = new MemoryStore();
    await store.claim('k', 'a', 1_000);
    expect(await store.release('k', 'a')).toBe(true);
    expect(await store.claim('k', 'b', 1_000)).toBe('claimed');
  });

  test('a claim expires with its lease (a crashed handler stops blocking) unless extended', async () => {
    const clock = fakeClock();
    const store = new MemoryStore({ now: clock.now });
    await store.claim('k', 'a', 1_000);
    clock.advance(900);
    expect(await store.extend('k', 'a', 1_000)).toBe(true);
    clock.advance(900);
    expect(await store.claim('k', 'b', 1_000)).toBe('in-flight');
    clock.advance(100);
    expect(await store.claim('k', 'b', 1_000)).toBe('claimed');
    // The first holder's late calls change nothing.
    expect(await store.extend('k', 'a', 1_000)).toBe(false);
    expect(await store.markDone('k', 'a', 1_000)).toBe(false);
    expect(await store.release('k', 'a')).toBe(false);
    expect(store.peek('k')).toBe('claimed');
  });

  test('a done mark lasts its TTL, then the key is free again', async () => {
    const clock = fakeClock();
    const store = new MemoryStore({ now: clock.now });
    await store.claim('k', 'a', 1_000);
    await store.markDone('k', 'a', 35 * 60_000);
    clock.advance(35 * 60_000 - 1);
    expect(await store.claim('k', 'b', 1_000)).toBe('done');
    clock.advance(1);
    expect(store.peek('k')).toBeUndefined();
    expect(await store.claim('k', 'b', 1_000)).toBe('claimed');
  });

  test('a handler that succeeded after its lease ran out still records done on a free key', async () => {
    const clock = fakeClock();
    const store = new MemoryStore({ now: clock.now });
    await store.claim('k', 'a', 1_000);
    clock.advance(2_000);
    expect(await store.markDone('k', 'a', 1_000)).toBe(true);
    expect(await store.claim('k', 'b', 1_000)).toBe('done');
  });

  test('is bounded: 100,000 keys by default, and past the bound the least recently used done key goes', async () => {
    expect(new MemoryStore().maxEntries).toBe(100_000);
    const store = new MemoryStore({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) {
      await store.claim(k, 't', 10_000);
      await store.markDone(k, 't', 10_000);
    }
    // Touching "a" makes "b" the least recently used.
    expect(await store.claim('a', 'x', 10_000)).toBe('done');
    expect(await store.claim('d', 't', 10_000)).toBe('claimed');
    expect(store.size).toBe(3);
    expect(store.peek('b')).toBeUndefined();
    expect(store.peek('a')).toBe('done');
    expect(store.peek('c')).toBe('done');
  });

  test('keeps least-recently-used order across evictions, with keys touched and completed in between', async () => {
    const store = new MemoryStore({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) {
      await store.claim(k, 't', 10_000);
      await store.markDone(k, 't', 10_000);
    }
    await store.claim('d', 't', 10_000); // evicts a, the oldest
    expect(store.peek('a')).toBeUndefined();
    expect(await store.claim('b', 'x', 10_000)).toBe('done'); // b is now the most recently used done key
    await store.markDone('d', 't', 10_000);
    await store.claim('e', 't', 10_000); // evicts c
    expect([store.peek('b'), store.peek('c'), store.peek('d'), store.peek('e')]).toEqual(['done', undefined, 'done', 'claimed']);
    await store.claim('f', 't', 10_000); // evicts b, then d would be next
    expect([store.peek('b'), store.peek('d'), store.peek('e'), store.peek('f')]).toEqual([undefined, 'done', 'claimed', 'claimed']);
    expect(store.size).toBe(3);
  });

  test('stays at its bound under a flood of distinct keys', async () => {
    const store = new MemoryStore({ maxEntries: 1_000 });
    for (let i = 0; i < 20_000; i += 1) {
      await store.claim(`k${i}`, 't', 60_000);
      await store.markDone(`k${i}`, 't', 60_000);
      expect(store.size).toBeLessThanOrEqual(1_000);
    }
    expect(store.size).toBe(1_000);
    expect(store.peek('k19999')).toBe('done');
    expect(store.peek('k0')).toBeUndefined();
  });

  test('never evicts a live claim: expired keys go first, and a store full of claims refuses (503) rather than run twice', async () => {
    const clock = fakeClock();
    const store = new MemoryStore({ maxEntries: 2, now: clock.now });
    await store.claim('old', 't', 100);
    await store.claim('live', 't', 10_000);
    clock.advance(200);
    expect(await store.claim('new', 't', 10_000)).toBe('claimed');
    expect(store.peek('live')).toBe('claimed');
    await expect(store.claim('more', 't', 10_000)).rejects.toBeInstanceOf(MemoryStoreFullError);
    expect(store.peek('live')).toBe('claimed');
    expect(store.peek('new')).toBe('claimed');
  });

  test('rejects a bad bound eagerly', () => {
    expect(() => new MemoryStore({ maxEntries: 0 })).toThrow(/maxEntries must be a positive integer/);
    expect(() => new MemoryStore({ maxEntries: 1.5 })).toThrow(RangeError);
  });
});
