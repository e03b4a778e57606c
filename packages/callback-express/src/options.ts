import type { CallbackUrlResponse } from '@iics-jobs/schema';
import type { Rejection } from './errors.js';
import type { CompletionHub } from './hub/types.js';
import type { CallbackLogger } from './logger.js';
import { secretsFrom } from './secret.js';
import { MemoryStore } from './store/memory.js';
import type { CallbackStore } from './store/types.js';

/** How long IICS waits for a callback answer before it counts the attempt as failed. */
export const IICS_ANSWER_TIMEOUT_MS = 30_000;

/** The request as the handler and the hooks see it: no query string, no secret. */
export interface CallbackRequestInfo {
  method: string;
  /** The request path; a path segment that carried the secret reads "[secret]". */
  path: string;
  /** Header names in lower case; the secret header is left out. */
  headers: Record<string, string | string[] | undefined>;
  /** The client address (with Express: `req.ip`, which honours the `trust proxy` setting). */
  ip?: string;
  /** The framework's own request object (with Express: `req`), when an adapter passed it. */
  raw?: unknown;
}

export interface CallbackContext {
  /** The dedupe key of this callback (see the `key` option). */
  key: string;
  /** When this delivery arrived. */
  receivedAt: Date;
  request: CallbackRequestInfo;
}

type OnCallback = (callback: CallbackUrlResponse, context: CallbackContext) => unknown;
type Hub = Pick<CompletionHub, 'publish'>;

/** `onCallback`, `hub`, or both. */
export type CallbackHandlerOptions = CallbackHandlerSettings &
  ({ onCallback: OnCallback; hub?: Hub } | { onCallback?: OnCallback; hub: Hub });

export interface CallbackHandlerSettings {
  /**
   * Processes one job end. Called at most once per key while the key's done mark lasts; resolve when
   * the work is durable. Throw (or reject) to have IICS deliver the callback again. Optional when
   * `hub` is given (the hub may be all a receiver feeds).
   */
  onCallback?: OnCallback;
  /** A `createCompletionHub()`: each callback processed (once per key, after onCallback succeeded) is published to it. */
  hub?: Hub;
  /** Where claims and done marks live (default: a new `MemoryStore()`); `RedisStore` for several replicas. */
  store?: CallbackStore;
  /** A token required in the callback URL's `?secret=`, a path segment, or the `x-callback-secret` header. Several: rotation. */
  secret?: string | readonly string[];
  /** The dedupe key of a callback (default: objectId, runId and status). */
  key?: (callback: CallbackUrlResponse) => string;
  /** Addresses and CIDR ranges allowed to deliver (default: any). */
  allowedIps?: readonly string[];
  /** Largest body accepted, in bytes or as "64kb" / "1mb" (default 64 KiB). */
  limit?: number | string;
  /** Time from receipt after which a handler still running gets a 503 answer (default 25,000 ms, under IICS's 30 s). */
  handlerTimeoutMs?: number;
  /** Expiry of a claim, renewed while its handler runs (default the larger of 5 min and 4 × handlerTimeoutMs). */
  leaseMs?: number;
  /** How long a done mark is kept (default 35 min, past IICS's 30-minute retry window). */
  doneTtlMs?: number;
  /** Longest wait for one store call before answering 503 (default 2,000 ms). */
  storeTimeoutMs?: number;
  /** Longest wait for the body to arrive when the adapter reads the stream (default 10,000 ms). */
  bodyTimeoutMs?: number;
  /** Called for every request refused before the handler (4xx, unreadable body). Errors it throws are logged. */
  onRejected?: (rejection: Rejection, request: CallbackRequestInfo) => unknown;
  /** Called when a callback already processed arrives again (answered 200, handler not called). */
  onDuplicate?: (callback: CallbackUrlResponse, context: CallbackContext) => unknown;
  /** Where to log (pino fits); default: nothing is logged. */
  logger?: CallbackLogger;
}

export interface ResolvedOptions {
  onCallback: NonNullable<CallbackHandlerOptions['onCallback']>;
  hub: CallbackHandlerOptions['hub'];
  store: CallbackStore;
  secrets: readonly string[];
  key: (callback: CallbackUrlResponse) => string;
  allowedIps: readonly string[] | undefined;
  limit: number;
  handlerTimeoutMs: number;
  leaseMs: number;
  doneTtlMs: number;
  storeTimeoutMs: number;
  bodyTimeoutMs: number;
  onRejected: CallbackHandlerOptions['onRejected'];
  onDuplicate: CallbackHandlerOptions['onDuplicate'];
  logger: CallbackLogger | undefined;
}

const KNOWN = new Set([
  'onCallback',
  'hub',
  'store',
  'secret',
  'key',
  'allowedIps',
  'limit',
  'handlerTimeoutMs',
  'leaseMs',
  'doneTtlMs',
  'storeTimeoutMs',
  'bodyTimeoutMs',
  'onRejected',
  'onDuplicate',
  'logger',
]);

/** Default key: the three fields that identify one end of one run, each encoded so no two keys collide. */
export function defaultKey(callback: CallbackUrlResponse): string {
  return `${encodeURIComponent(callback.objectId)}:${encodeURIComponent(String(callback.runId))}:${encodeURIComponent(callback.status)}`;
}

export function resolveOptions(options: CallbackHandlerOptions, caller: string): ResolvedOptions {
  const fail = (message: string): never => {
    throw new TypeError(`${caller}: ${message}`);
  };
  if (options === null || typeof options !== 'object') fail('pass an options object with at least onCallback');
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) fail(`unknown option "${name}"; the options are ${[...KNOWN].join(', ')}`);
  }
  const o = options;
  if ('hub' in o && (o.hub === null || typeof o.hub !== 'object' || typeof o.hub.publish !== 'function')) {
    fail('hub must be a completion hub (createCompletionHub()); leave it out for none');
  }
  if (typeof o.onCallback !== 'function' && !(o.hub && o.onCallback === undefined)) {
    fail('onCallback must be a function (callback, context) => Promise<void>');
  }
  const optionalFunction = (name: 'key' | 'onRejected' | 'onDuplicate'): void => {
    if (o[name] !== undefined && typeof o[name] !== 'function') fail(`${name} must be a function`);
  };
  optionalFunction('key');
  optionalFunction('onRejected');
  optionalFunction('onDuplicate');

  const store = o.store ?? new MemoryStore();
  for (const method of ['claim', 'release', 'markDone'] as const) {
    if (typeof (store as unknown as Record<string, unknown>)[method] !== 'function') {
      fail(`store must implement claim, release and markDone (see CallbackStore); ${method} is missing`);
    }
  }

  const secrets = 'secret' in o ? secretsFrom(o.secret, caller) : [];

  if (o.allowedIps !== undefined && !Array.isArray(o.allowedIps)) {
    fail('allowedIps must be an array of addresses or CIDR ranges, e.g. ["10.0.0.0/8"]');
  }

  if (o.logger !== undefined) {
    const l = o.logger as unknown as Record<string, unknown> | null;
    if (l === null || typeof l !== 'object' || !['info', 'warn', 'error'].every((m) => typeof l[m] === 'function')) {
      fail('logger must have info, warn and error methods (pino fits)');
    }
  }

  const positive = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      fail(`${name} must be a positive number of milliseconds, got ${String(value)}`);
    }
    return value;
  };
  const handlerTimeoutMs = positive('handlerTimeoutMs', o.handlerTimeoutMs, 25_000);
  // IICS gives up on an answer after 30 s and counts the attempt as failed: the receiver must answer first.
  if (handlerTimeoutMs >= IICS_ANSWER_TIMEOUT_MS) {
    fail(`handlerTimeoutMs must be below ${IICS_ANSWER_TIMEOUT_MS} (IICS stops waiting for an answer after 30 s), got ${handlerTimeoutMs}`);
  }
  const leaseMs = positive('leaseMs', o.leaseMs, Math.max(300_000, 4 * handlerTimeoutMs));
  if (leaseMs <= handlerTimeoutMs) {
    fail(`leaseMs (${leaseMs}) must be well above handlerTimeoutMs (${handlerTimeoutMs}), or claims expire under running handlers`);
  }

  return {
    onCallback: o.onCallback ?? (() => undefined),
    hub: o.hub,
    store,
    secrets,
    key: o.key ?? defaultKey,
    allowedIps: o.allowedIps,
    limit: parseLimit(o.limit, fail),
    handlerTimeoutMs,
    leaseMs,
    doneTtlMs: positive('doneTtlMs', o.doneTtlMs, 35 * 60_000),
    storeTimeoutMs: positive('storeTimeoutMs', o.storeTimeoutMs, 2_000),
    bodyTimeoutMs: positive('bodyTimeoutMs', o.bodyTimeoutMs, 10_000),
    onRejected: o.onRejected,
    onDuplicate: o.onDuplicate,
    logger: o.logger,
  };
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

function parseLimit(limit: number | string | undefined, fail: (message: string) => never): number {
  if (limit === undefined) return 64 * 1024;
  if (typeof limit === 'number') {
    if (!Number.isSafeInteger(limit) || limit <= 0) fail(`limit must be a positive whole number of bytes, got ${limit}`);
    return limit;
  }
  const match = typeof limit === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb)?\s*$/i.exec(limit) : null;
  if (!match) return fail(`limit must be a number of bytes or a string like "64kb" or "1mb", got ${JSON.stringify(limit)}`);
  const bytes = Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1));
  if (bytes <= 0) fail(`limit must be above 0, got ${JSON.stringify(limit)}`);
  return bytes;
}
