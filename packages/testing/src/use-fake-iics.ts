import { startFakeIics } from './fake/server.js';
import type { FakeIics, StartFakeIicsOptions } from './fake/types.js';

/** The two hooks `useFakeIics` registers: vitest's `beforeAll` and `afterAll` (injectable for its own tests). */
export interface SuiteHooks {
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
}

const MAX_LISTED_VIOLATIONS = 20;

/**
 * Closes the fake, then throws when it recorded violations: answers or callbacks of its own that
 * failed their schema. A client that retries can hide such a bug from every test; failing the
 * file makes sure it is seen.
 */
export async function closeFakeIics(fake: FakeIics): Promise<void> {
  await fake.close();
  const { violations } = fake;
  if (violations.length === 0) return;
  const listed = violations.slice(0, MAX_LISTED_VIOLATIONS).map((v) => `  - ${v}`);
  if (violations.length > MAX_LISTED_VIOLATIONS) listed.push(`  … and ${violations.length - MAX_LISTED_VIOLATIONS} more`);
  throw new Error(
    `useFakeIics: the fake IICS recorded ${violations.length} violation${violations.length === 1 ? '' : 's'} ` +
      `(answers or callbacks that failed its own schema: a bug in @iics-jobs/testing):\n${listed.join('\n')}`,
  );
}

/** `useFakeIics` with the hooks passed in. */
export function registerFakeIics(hooks: SuiteHooks, options?: StartFakeIicsOptions): FakeIics {
  let current: FakeIics | undefined;
  hooks.beforeAll(async () => {
    current = await startFakeIics(options);
  });
  hooks.afterAll(async () => {
    const fake = current;
    current = undefined;
    if (fake) await closeFakeIics(fake);
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
