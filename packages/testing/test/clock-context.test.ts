import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, test } from 'vitest';
import { createClock, createManualClock } from '../src/index.js';

// A fake timer runs in the async context of the code that set it, as a real setTimeout does: a tracer or a
// request-scoped logger must not see one job's context inside another job's callback.
describe('fake timers keep their async context', () => {
  test('createClock: each callback sees the context it was set in, though one real timer serves them all', async () => {
    const store = new AsyncLocalStorage<string>();
    const clock = createClock({ timeScale: 0.001 });
    const seen: Array<[string, string | undefined]> = [];
    const done = new Promise<void>((resolve) => {
      // "late" is set first, inside context A; "early" later, inside B, and re-arms the shared real timer.
      store.run('A', () => clock.setTimeout(() => seen.push(['late', store.getStore()]), 20_000));
      store.run('B', () => clock.setTimeout(() => seen.push(['early', store.getStore()]), 5_000));
      clock.setTimeout(() => resolve(), 30_000);
    });
    await done;
    expect(seen).toEqual([
      ['early', 'B'],
      ['late', 'A'],
    ]);
  });

  test('createManualClock: the same', () => {
    const store = new AsyncLocalStorage<string>();
    const clock = createManualClock();
    const seen: Array<string | undefined> = [];
    store.run('A', () => clock.setTimeout(() => seen.push(store.getStore()), 10));
    store.run('B', () => clock.setTimeout(() => seen.push(store.getStore()), 20));
    store.run('C', () => clock.advance(30));
    expect(seen).toEqual(['A', 'B']);
  });
});
