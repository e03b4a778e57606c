import { afterAll, beforeAll } from 'vitest';
import type { FakeIics, StartFakeIicsOptions } from './fake/types.js';
import { registerFakeIics } from './use-fake-iics.js';

/**
 * Starts a fake IICS before the tests of the current file (or `describe` block) and closes it
 * after them. Returns a stand-in for the FakeIics that forwards to the running fake, so it can be
 * captured at the top of a file and used inside the tests.
 *
 * The `afterAll` hook throws, failing the file, when the fake recorded `violations` (answers or
 * callbacks of its own that failed their schema), with the violations in the message.
 */
export function useFakeIics(options?: StartFakeIicsOptions): FakeIics {
  return registerFakeIics({ beforeAll, afterAll }, options);
}

export type { FakeIics, StartFakeIicsOptions } from './fake/types.js';
