import express from 'express';
import { afterEach, describe, expect, test } from 'vitest';
import { callbackUrl, createCallbackErrorHandler, createCallbackHandler, createCallbackMiddleware } from '../src/index.js';
import { recorder, SAMPLE } from './helpers/app.js';
import { postJson } from './helpers/http.js';
import { listen } from './helpers/server.js';

// The README writes `secret: process.env.CALLBACK_SECRET!`: with the variable unset, the receiver must
// not start open to forged callbacks, and callbackUrl must not hand IICS a URL without the secret.

const UNSET = `IICS_JOBS_TEST_UNSET_${process.pid}`;
const onCallback = (): void => undefined;

describe('a secret option that is present but empty is an error, not "no secret"', () => {
  test.each([
    ['undefined (an unset environment variable)', process.env[UNSET]],
    ['null', null],
    ['an empty string', ''],
  ])('createCallbackMiddleware with secret %s throws, naming the option and the likely cause', (_, secret) => {
    expect(() => createCallbackMiddleware({ onCallback, secret: secret as string })).toThrow(
      /^createCallbackMiddleware: secret must be a non-empty string.*environment variable.*not set/,
    );
    expect(() => createCallbackHandler({ onCallback, secret: secret as string })).toThrow(/^createCallbackHandler: secret must be/);
    expect(() => createCallbackErrorHandler({ secret: secret as string })).toThrow(/^createCallbackErrorHandler: secret must be/);
  });

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty string', ''],
  ])('callbackUrl with secret %s throws instead of returning a URL without it', (_, secret) => {
    expect(() => callbackUrl('https://jobs.example.com/iics/callback', { secret: secret as string })).toThrow(
      /^callbackUrl: secret must be a non-empty string.*environment variable/,
    );
  });

  test('an array holding an unset variable is refused too', () => {
    expect(() => createCallbackMiddleware({ onCallback, secret: ['old-token', process.env[UNSET] as string] })).toThrow(/secret must be/);
  });

  test('leaving the option out still means no secret', () => {
    expect(callbackUrl('https://jobs.example.com/iics/callback')).toBe('https://jobs.example.com/iics/callback');
    expect(callbackUrl('https://jobs.example.com/iics/callback', {})).toBe('https://jobs.example.com/iics/callback');
    expect(() => createCallbackMiddleware({ onCallback, logger: quiet() })).not.toThrow();
  });

  test('a set secret still authenticates: a forged callback without it gets 401, the handler is not called', async () => {
    process.env[`${UNSET}_SET`] = 'a-real-token-3c1d';
    const calls = recorder();
    const app = express();
    app.post('/iics/callback', createCallbackMiddleware({ onCallback: calls.onCallback, secret: process.env[`${UNSET}_SET`]! }));
    const server = await listen(app);
    try {
      expect((await postJson(`${server.url}/iics/callback`, SAMPLE)).status).toBe(401);
      expect(calls.calls).toHaveLength(0);
      expect((await postJson(callbackUrl(`${server.url}/iics/callback`, { secret: process.env[`${UNSET}_SET`]! }), SAMPLE)).status).toBe(200);
      expect(calls.calls).toHaveLength(1);
    } finally {
      delete process.env[`${UNSET}_SET`];
      await server.close();
    }
  });
});

function quiet() {
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  return {
    warnings,
    info: () => undefined,
    error: () => undefined,
    warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ fields, message }),
  };
}

describe('a receiver with neither a secret nor an IP allowlist says so once, at start', () => {
  test('to its logger: one warning when made, none per request', async () => {
    const logger = quiet();
    const app = express();
    app.post('/iics/callback', createCallbackMiddleware({ onCallback, logger }));
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]!.message).toMatch(/not authenticated.*secret.*allowedIps/);
    const server = await listen(app);
    try {
      expect((await postJson(`${server.url}/iics/callback`, SAMPLE)).status).toBe(200);
      expect(logger.warnings).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  test.each([
    ['a secret', { secret: 'token-7a' }],
    ['an IP allowlist', { allowedIps: ['10.0.0.0/8'] }],
  ])('with %s: no warning', (_, extra) => {
    const logger = quiet();
    createCallbackMiddleware({ onCallback, logger, ...extra });
    expect(logger.warnings).toHaveLength(0);
  });

  describe('without a logger', () => {
    const seen: Error[] = [];
    const listener = (warning: Error): void => void seen.push(warning);
    afterEach(() => {
      process.off('warning', listener);
    });

    test('a Node.js process warning, once however many receivers are made', async () => {
      process.on('warning', listener);
      createCallbackMiddleware({ onCallback });
      createCallbackMiddleware({ onCallback });
      // process warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      const ours = seen.filter((w) => (w as Error & { code?: string }).code === 'IICS_CALLBACKS_UNAUTHENTICATED');
      expect(ours).toHaveLength(1);
      expect(ours[0]!.message).toMatch(/IICS callbacks are not authenticated/);
    });
  });
});
