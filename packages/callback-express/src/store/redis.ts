import { createHash } from 'node:crypto';
import type { CallbackStore, ClaimResult } from './types.js';

/** An ioredis client or cluster (`new Redis(url)`): anything with `call(command, ...args)`. */
export interface IoRedisLikeClient {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** A node-redis client (`createClient({ url })`, connected): anything with `sendCommand([command, ...args])`. */
export interface NodeRedisLikeClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export type RedisClientLike = IoRedisLikeClient | NodeRedisLikeClient;

export interface RedisStoreOptions {
  /** A connected ioredis or node-redis client; the store never connects, quits or configures it. */
  client: RedisClientLike;
  /** Prepended to every key (default `"iics-callback:"`). */
  prefix?: string;
}

const CLAIM = 'c:';
const DONE = 'd:';

// KEYS[1] key; ARGV[1] claim value. Deletes only our own claim; a key already gone counts as released.
const RELEASE = `
local v = redis.call('GET', KEYS[1])
if v == false then return 1 end
if v == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

// KEYS[1] key; ARGV[1] claim value, ARGV[2] done value, ARGV[3] ttl ms. Completes our claim, or a key
// whose lease ran out while the handler was succeeding; never overwrites another delivery's claim.
const MARK_DONE = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[2] then return 1 end
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;

// KEYS[1] key; ARGV[1] claim value, ARGV[2] lease ms.
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const SCRIPTS = { release: script(RELEASE), markDone: script(MARK_DONE), extend: script(EXTEND) };

/**
 * A store shared by several receiver replicas through one Redis (5.0 or later). A claim is
 * `SET key c:<token> NX PX <lease>`; release, done and extend are Lua compare-and-delete /
 * compare-and-set scripts, so only the holder of a claim can change it. Works with ioredis and
 * node-redis clients without importing either.
 */
export class RedisStore implements CallbackStore {
  readonly prefix: string;
  readonly #send: (args: string[]) => Promise<unknown>;

  constructor(options: RedisStoreOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('RedisStore: pass { client }, where client is a connected ioredis or node-redis client');
    }
    const { client, prefix = 'iics-callback:' } = options;
    if (typeof prefix !== 'string') throw new TypeError('RedisStore: prefix must be a string');
    this.prefix = prefix;
    this.#send = commandSender(client);
  }

  async claim(key: string, token: string, leaseMs: number): Promise<ClaimResult> {
    const redisKey = this.prefix + key;
    const mine = CLAIM + token;
    // The key can expire or be released between SET and GET; a second round settles it.
    for (let round = 0; round < 3; round += 1) {
      const set = await this.#send(['SET', redisKey, mine, 'NX', 'PX', String(Math.ceil(leaseMs))]);
      if (set === 'OK') return 'claimed';
      const held = await this.#send(['GET', redisKey]);
      if (held === null || held === undefined) continue;
      const value = String(held);
      if (value.startsWith(DONE)) return 'done';
      // A resent SET after a dropped connection finds our own claim: it is still ours.
      return value === mine ? 'claimed' : 'in-flight';
    }
    return 'in-flight';
  }

  async release(key: string, token: string): Promise<boolean> {
    return (await this.#eval(SCRIPTS.release, key, [CLAIM + token])) === 1;
  }

  async markDone(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.#eval(SCRIPTS.markDone, key, [CLAIM + token, DONE + token, String(Math.ceil(ttlMs))])) === 1;
  }

  async extend(key: string, token: string, leaseMs: number): Promise<boolean> {
    return (await this.#eval(SCRIPTS.extend, key, [CLAIM + token, String(Math.ceil(leaseMs))])) === 1;
  }

  async #eval(s: Script, key: string, args: string[]): Promise<number> {
    const tail = ['1', this.prefix + key, ...args];
    let result: unknown;
    try {
      result = await this.#send(['EVALSHA', s.sha, ...tail]);
    } catch (error) {
      // A fresh or flushed Redis does not know the script yet.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      result = await this.#send(['EVAL', s.source, ...tail]);
    }
    return Number(result);
  }
}

/** `send(['SET', key, value])` over either client; `owner` names the caller in the error. */
export function commandSender(client: unknown, owner = 'RedisStore'): (args: string[]) => Promise<unknown> {
  if (client !== null && typeof client === 'object') {
    const c = client as Partial<IoRedisLikeClient & NodeRedisLikeClient>;
    // ioredis also has a sendCommand, taking a Command object, so `call` is checked first.
    if (typeof c.call === 'function') {
      const call = c.call.bind(client);
      return ([command, ...args]) => call(command as string, ...args);
    }
    if (typeof c.sendCommand === 'function') return c.sendCommand.bind(client);
  }
  throw new TypeError(
    `${owner}: client must be an ioredis client (with call()) or a node-redis client (with sendCommand()), ` +
      `got ${client === null ? 'null' : typeof client}`,
  );
}
