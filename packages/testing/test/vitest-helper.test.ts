import { parseLoginV3Response } from '@iics-jobs/schema';
import { describe, expect, test } from 'vitest';
import { closeFakeIics, registerFakeIics } from '../src/use-fake-iics.js';
import { useFakeIics } from '../src/vitest.js';
import type { FakeIics } from '../src/index.js';
import { call, expectValid } from './helpers.js';

let captured: { loginUrl: string; fake: FakeIics } | undefined;

describe('useFakeIics', () => {
  const iics = useFakeIics({ users: [{ username: 'helper@example.com', password: 'pw' }], timeScale: 0.001 });

  test('starts a fake before the tests; the stand-in forwards to it', async () => {
    expect(iics.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(iics.credentials).toEqual({ username: 'helper@example.com', password: 'pw' });
    const login = await call(iics.loginUrl, 'POST', '/saas/public/core/v3/login', { body: iics.credentials });
    expect(login.status).toBe(200);
    expectValid(parseLoginV3Response, login.body);
    // Methods work when taken off the stand-in.
    const { addTask } = iics;
    expect(addTask({ name: 'MT_Added', type: 'MTT' }).id).toHaveLength(20);
    expect(Object.keys(iics)).toContain('faults');
    captured = { loginUrl: iics.loginUrl, fake: iics };
  });
});

describe('after the block', () => {
  test('the fake was closed by afterAll, and the stand-in says so when read', async () => {
    expect(captured).toBeDefined();
    await expect(fetch(`${captured!.loginUrl}/ma/api/v2/user/login`, { method: 'POST', signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    expect(() => captured!.fake.loginUrl).toThrow(/only available inside tests and hooks/);
  });
});

describe('the afterAll hook fails the file when the fake recorded violations', () => {
  /** useFakeIics's code with the hooks captured instead of registered with vitest. */
  function capture() {
    const hooks: Array<() => Promise<void>> = [];
    const fake = registerFakeIics({ beforeAll: (fn) => hooks.push(fn), afterAll: (fn) => hooks.push(fn) }, { timeScale: 0.001 });
    const [start, teardown] = hooks;
    return { fake, start: start!, teardown: teardown! };
  }

  test('it closes the fake, then throws with the violations in the message', async () => {
    const { fake, start, teardown } = capture();
    await start();
    const { loginUrl } = fake;
    // What the server does when one of its answers fails its schema.
    (fake.violations as string[]).push('activityLog answer 200 fails its schema: /0/state: must be 1, 2 or 3');
    await expect(teardown()).rejects.toThrow(/recorded 1 violation \(.*\):\n  - activityLog answer 200 fails its schema: \/0\/state: must be 1, 2 or 3$/);
    await expect(fetch(`${loginUrl}/ma/api/v2/user/login`, { method: 'POST', signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    expect(() => fake.loginUrl).toThrow(/only available inside tests and hooks/);
  });

  test('no violations: the hook just closes the fake', async () => {
    const { fake, start, teardown } = capture();
    await start();
    const { loginUrl } = fake;
    await expect(teardown()).resolves.toBeUndefined();
    await expect(fetch(`${loginUrl}/ma/api/v2/user/login`, { method: 'POST', signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });

  test('closeFakeIics lists at most 20 violations', async () => {
    let closed = false;
    const violations = Array.from({ length: 25 }, (_, i) => `violation ${i + 1}`);
    const stub = { violations, close: async () => void (closed = true) } as unknown as FakeIics;
    const error = await closeFakeIics(stub).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(closed).toBe(true);
    expect(error?.message).toMatch(/recorded 25 violations/);
    expect(error?.message).toContain('  - violation 20\n  … and 5 more');
    expect(error?.message).not.toContain('violation 21');
  });
});
