import { parseLoginV3Response } from '@iics-jobs/schema';
import { describe, expect, test } from 'vitest';
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
