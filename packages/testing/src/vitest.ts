import { afterAll, beforeAll } from 'vitest';
import { startFakeIics } from './fake/server.js';
import type { FakeIics, StartFakeIicsOptions } from './fake/types.js';

/**
 * Starts a fake IICS before the tests of the current file (or `describe` block) and closes it
 * after them. Returns a stand-in for the FakeIics that forwards to the running fake, so it can be
 * captured at the top of a file and used inside the tests.
 */
export function useFakeIics(options?: StartFakeIicsOptions): FakeIics {
  let current: FakeIics | undefined;
  beforeAll(async () => {
    current = await startFakeIics(options);
  });
  afterAll(async () => {
    const fake = current;
    current = undefined;
    await fake?.close();
  });
  return new Proxy({} as FakeIics, {
    get(_target, property) {
      if (!current) {
        throw new Error(`useFakeIics(): the fake IICS is only available inside tests and hooks of this file (read ${String(property)})`);
      }
      const value = Reflect.get(current, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
    has: (_target, property) => current !== undefined && property in current,
    ownKeys: () => (current ? Reflect.ownKeys(current) : []),
    getOwnPropertyDescriptor: (_target, property) => {
      if (!current) return undefined;
      const descriptor = Reflect.getOwnPropertyDescriptor(current, property);
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
  });
}

export type { FakeIics, StartFakeIicsOptions } from './fake/types.js';
