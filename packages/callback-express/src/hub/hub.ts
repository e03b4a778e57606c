import { safeLogger, silentLogger } from '../logger.js';
import { MemoryCompletionHub } from './memory.js';
import { RedisCompletionHub } from './redis.js';
import type { CompletionHub, CompletionHubOptions } from './types.js';

const KNOWN = ['redis', 'prefix', 'retainMs', 'maxRemembered', 'redisTimeoutMs', 'logger'];

/**
 * Joins the callback receiver to the client's wait: pass the hub to `createCallbackMiddleware({ hub })`
 * and as `completions` to `client.jobs.run` / `jobs.wait`. Without `redis` it serves this process;
 * with it, every replica sharing that Redis.
 */
export function createCompletionHub(options: CompletionHubOptions = {}): CompletionHub {
  const fail = (message: string): never => {
    throw new TypeError(`createCompletionHub: ${message}`);
  };
  if (options === null || typeof options !== 'object') fail('pass an options object, e.g. { redis }');
  for (const name of Object.keys(options)) {
    if (!KNOWN.includes(name)) fail(`unknown option "${name}"; the options are ${KNOWN.join(', ')}`);
  }
  const positive = (name: string, value: unknown, fallback: number, integer = false): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isSafeInteger(value))) {
      fail(`${name} must be a positive ${integer ? 'whole number' : 'number of milliseconds'}, got ${String(value)}`);
    }
    return value as number;
  };
  const retainMs = positive('retainMs', options.retainMs, 35 * 60_000);
  const maxRemembered = positive('maxRemembered', options.maxRemembered, 100_000, true);
  const redisTimeoutMs = positive('redisTimeoutMs', options.redisTimeoutMs, 2_000);
  const { prefix = 'iics-completion:', logger, redis } = options;
  if (typeof prefix !== 'string' || prefix === '') fail('prefix must be a non-empty string');
  if (logger !== undefined) {
    const l = logger as unknown as Record<string, unknown> | null;
    if (l === null || typeof l !== 'object' || !['info', 'warn', 'error'].every((m) => typeof l[m] === 'function')) {
      fail('logger must have info, warn and error methods (pino fits)');
    }
  }
  // Present but empty is a mistake (an unset variable, a client not yet created), never "no Redis".
  if ('redis' in options && (redis === undefined || redis === null)) {
    fail('redis is given but empty; pass a connected ioredis or node-redis client, or leave the option out for a hub in this process only');
  }
  if (redis === undefined) return new MemoryCompletionHub(retainMs, maxRemembered);
  return new RedisCompletionHub({
    redis,
    prefix,
    retainMs,
    maxRemembered,
    redisTimeoutMs,
    logger: logger ? safeLogger(logger) : silentLogger,
  });
}
