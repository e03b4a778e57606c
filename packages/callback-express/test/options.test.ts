import { describe, expect, test } from 'vitest';
import { callbackUrl, createCallbackHandler, createCallbackMiddleware, defaultKey, RedisStore } from '../src/index.js';
import { SAMPLE } from './helpers/app.js';

const onCallback = () => undefined;

describe('options are checked when the middleware is created', () => {
  test.each([
    [{}, /onCallback must be a function/],
    [{ onCallback, secrets: 'x' }, /unknown option "secrets"/],
    [{ onCallback, secret: '' }, /secret must be a non-empty string/],
    [{ onCallback, secret: [] }, /secret must be a non-empty string/],
    [{ onCallback, allowedIps: '10.0.0.0/8' }, /allowedIps must be an array/],
    [{ onCallback, allowedIps: ['10.0.0.0/33'] }, /allowedIps\[0\].*0 to 32/],
    [{ onCallback, allowedIps: ['example.com'] }, /allowedIps\[0\].*not an IP address/],
    [{ onCallback, limit: -1 }, /limit must be a positive whole number/],
    [{ onCallback, limit: 'lots' }, /limit must be a number of bytes or a string like "64kb"/],
    [{ onCallback, handlerTimeoutMs: 0 }, /handlerTimeoutMs must be a positive number/],
    [{ onCallback, handlerTimeoutMs: 30_000 }, /handlerTimeoutMs must be below 30000 \(IICS stops waiting/],
    [{ onCallback, handlerTimeoutMs: 10_000, leaseMs: 10_000 }, /leaseMs .* must be well above handlerTimeoutMs/],
    [{ onCallback, store: {} }, /store must implement claim, release and markDone/],
    [{ onCallback, logger: console.log }, /logger must have info, warn and error/],
    [{ onCallback, key: 'objectId' }, /key must be a function/],
  ])('%j', (options, message) => {
    expect(() => createCallbackMiddleware(options as never)).toThrow(message);
    expect(() => createCallbackHandler(options as never)).toThrow(TypeError);
  });

  test('accepts limits as bytes or with units, and IPv4, IPv6 and mapped addresses', async () => {
    const handler = createCallbackHandler({ onCallback, limit: '1kb', allowedIps: ['10.1.0.0/16', '2001:db8::/32', '192.0.2.1'] });
    expect(handler.limit).toBe(1024);
    const post = (ip: string) =>
      handler.handle({ method: 'POST', ip, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...SAMPLE, objectId: ip }) });
    for (const ip of ['10.1.2.3', '::ffff:10.1.200.1', '2001:db8::7', '192.0.2.1']) expect((await post(ip)).status, ip).toBe(200);
    for (const ip of ['10.2.0.1', '2001:db9::1', '192.0.2.2', 'not-an-ip']) expect((await post(ip)).status, ip).toBe(403);
  });

  test('RedisStore needs an ioredis or node-redis client', () => {
    expect(() => new RedisStore({ client: {} as never })).toThrow(/ioredis client .* or a node-redis client/);
    expect(() => new RedisStore(undefined as never)).toThrow(TypeError);
  });
});

describe('callbackUrl', () => {
  test('adds the secret to the query, URL-encoded, keeping the existing query', () => {
    expect(callbackUrl('https://example.com/iics/callback', { secret: 'a b&c' })).toBe('https://example.com/iics/callback?secret=a+b%26c');
    expect(callbackUrl('https://example.com/cb?tenant=7', { secret: 's' })).toBe('https://example.com/cb?tenant=7&secret=s');
  });

  test('or as the last path segment', () => {
    expect(callbackUrl('https://example.com/iics/', { secret: 'a/b', placement: 'path' })).toBe('https://example.com/iics/a%2Fb');
  });

  test('without a secret returns the URL checked', () => {
    expect(callbackUrl('https://example.com/cb')).toBe('https://example.com/cb');
    expect(() => callbackUrl('/cb', { secret: 's' })).toThrow(/absolute http\(s\) URL/);
    expect(() => callbackUrl('ftp://example.com/cb')).toThrow(/http or https/);
    expect(() => callbackUrl('https://example.com', { secret: '' })).toThrow(/non-empty/);
  });
});

describe('the default key', () => {
  test('is objectId, runId and status, and no crafted field makes two callbacks collide', () => {
    expect(defaultKey(SAMPLE)).toBe('0034J90000000M:5:COMPLETED');
    expect(defaultKey({ ...SAMPLE, objectId: 'a:1', runId: 2, status: 'X' })).not.toBe(
      defaultKey({ ...SAMPLE, objectId: 'a', runId: 1, status: '2:X' }),
    );
  });
});
