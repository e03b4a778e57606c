import { randomUUID } from 'node:crypto';
import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { type BodyFailure, type BodyResult, checkContentType, readRawBody, reject, validateCallback } from './body.js';
import {
  CallbackBodyError,
  type CallbackErrorCode,
  type ErrorBody,
  type ErrorDetail,
  errorBody,
  type Rejection,
  type SuccessBody,
} from './errors.js';
import { channels, type ReceiveMessage, traceparentOf, traced } from './diagnostics.js';
import { publishCompletion } from './hub/publish.js';
import { createIpAllowList } from './ip.js';
import { type CallbackLogger, errorFields, safeLogger, silentLogger } from './logger.js';
import {
  type CallbackContext,
  type CallbackHandlerOptions,
  type CallbackRequestInfo,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
import { createSecretChecker, SECRET_HEADER, splitTarget } from './secret.js';
import { syncStoreOf } from './store/memory.js';
import type { ClaimResult } from './store/types.js';
import { delay, StoreTimeoutError, withTimeout } from './timeout.js';

/** One HTTP request, framework-free. */
export interface CallbackHttpRequest {
  method: string;
  /** The request target as received, path and query ("/iics/callback?secret=…"); default "/". */
  url?: string;
  /** Header names in any case. */
  headers: Record<string, string | string[] | undefined>;
  /** The client address, already resolved through any trusted proxies. */
  ip?: string;
  /**
   * The raw body: bytes, text, or a reader called with the size limit once the request passed the
   * method, address and secret checks. A reader throws `CallbackBodyError` when it cannot deliver.
   */
  body?: Uint8Array | string | null | ((limit: number) => Promise<Uint8Array | string>);
  /** A body some framework already parsed as JSON; used instead of `body` when not undefined. */
  parsedBody?: unknown;
  /** The framework's request object, passed on to the handler as `context.request.raw`. */
  raw?: unknown;
}

/** The answer to send: status, headers and a JSON body (serialise it with JSON.stringify). */
export interface CallbackHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: SuccessBody | ErrorBody;
}

export interface CallbackHandler {
  /** Validates, deduplicates and processes one delivery. Never rejects. */
  handle(request: CallbackHttpRequest): Promise<CallbackHttpResponse>;
  /**
   * Resolves `true` once every handler still running (also those already answered 503) has settled
   * and its outcome is recorded in the store, or its retries gave up. Await it before shutting down.
   * With `timeoutMs` it resolves `false` when that time passes first: a handler that never settles
   * keeps its claim (it is renewed while the process lives), so give your handler its own timeouts.
   */
  drain(timeoutMs?: number): Promise<boolean>;
  /** The body size limit in bytes, for adapters that read the stream. */
  readonly limit: number;
  /** How long adapters may wait for the body. */
  readonly bodyTimeoutMs: number;
}

/** The headers of every JSON answer, as a new object of each answer's own (a literal, cheaper than a spread). */
function jsonHeaders(): Record<string, string> {
  return { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
}

/** `onCallback` as a promise, as `async () => onCallback(…)` gives it, without a promise of its own on top. */
function callHandler(
  onCallback: ResolvedOptions['onCallback'],
  callback: CallbackUrlResponse,
  context: CallbackContext,
): Promise<unknown> {
  try {
    return Promise.resolve(onCallback(callback, context));
  } catch (error) {
    return Promise.reject(error);
  }
}

// Backoff for a done mark or a release the store refused (Redis down): until the lease would run out anyway.
const STORE_RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/** The framework-free core: `createCallbackMiddleware` is this plus reading the body from Express. */
export function createCallbackHandler(options: CallbackHandlerOptions): CallbackHandler {
  return createHandler(resolveOptions(options, 'createCallbackHandler'));
}

export function createHandler(o: ResolvedOptions): CallbackHandler {
  const logger: CallbackLogger = o.logger ? safeLogger(o.logger) : silentLogger;
  const checkSecret = o.secrets.length > 0 ? createSecretChecker(o.secrets) : undefined;
  const ipAllowed = o.allowedIps ? createIpAllowList(o.allowedIps) : undefined;
  if (!checkSecret && !ipAllowed) warnUnauthenticated(o.logger ? logger : undefined);
  // Work still running (handlers, background store retries, hub publishes), for drain(): a count and
  // the drains waiting for it to reach 0, rather than a set of promises (two more promises per request).
  let pending = 0;
  let idle: Array<() => void> = [];
  const begin = (): void => {
    pending += 1;
  };
  const end = (): void => {
    pending -= 1;
    if (pending === 0 && idle.length > 0) {
      const waiting = idle;
      idle = [];
      for (const resolve of waiting) resolve();
    }
  };
  // A MemoryStore is called directly: no store timeout can apply to a map in this process.
  const sync = syncStoreOf(o.store);
  const renewEveryMs = Math.max(1, Math.floor(o.leaseMs / 3));

  const track = (promise: Promise<unknown>): void => {
    begin();
    promise.then(end, end);
  };
  const logging = o.logger !== undefined;

  const callHook = (name: string, run: () => unknown): void => {
    try {
      const result = run();
      if (result instanceof Promise) result.catch((error: unknown) => logger.error(errorFields(error), `${name} hook failed`));
    } catch (error) {
      logger.error(errorFields(error), `${name} hook failed`);
    }
  };

  const answer = (status: number, body: SuccessBody | ErrorBody, extra?: Record<string, string>): CallbackHttpResponse => ({
    status,
    headers: extra ? Object.assign(jsonHeaders(), extra) : jsonHeaders(),
    body,
  });

  const refuse = (
    info: CallbackRequestInfo,
    result: BodyFailure,
    extra?: Record<string, string>,
  ): CallbackHttpResponse => {
    const rejection: Rejection = { status: result.status, code: result.code, message: result.message, details: result.details };
    logger.warn({ status: result.status, code: result.code, reason: result.message, ip: info.ip }, 'IICS callback rejected');
    if (o.onRejected) {
      const hook = o.onRejected;
      callHook('onRejected', () => hook(rejection, info));
    }
    return answer(result.status, errorBody(result.code, result.message, result.details), extra);
  };

  const fail = (status: number, code: CallbackErrorCode, message: string, details: ErrorDetail[] = []): CallbackHttpResponse =>
    answer(status, errorBody(code, message, details));

  /**
   * Runs a store write: 'ok', 'refused' (the store answered false: another token holds the key), or
   * 'failed', in which case it goes on retrying in the background so the outcome is not lost.
   */
  const persist = async (what: string, key: string, write: () => Promise<boolean>): Promise<'ok' | 'refused' | 'failed'> => {
    const attempt = async (): Promise<boolean> => withTimeout(write(), o.storeTimeoutMs, `the store's ${what}`);
    try {
      return (await attempt()) ? 'ok' : 'refused';
    } catch (error) {
      logger.error({ key, ...errorFields(error) }, `IICS callback store ${what} failed; retrying in the background`);
    }
    const giveUpAt = Date.now() + o.leaseMs;
    track(
      (async () => {
        for (let i = 0; Date.now() < giveUpAt; i += 1) {
          await delay(STORE_RETRY_DELAYS_MS[Math.min(i, STORE_RETRY_DELAYS_MS.length - 1)] ?? 5_000);
          try {
            await attempt();
            logger.info({ key }, `IICS callback store ${what} succeeded on retry`);
            return;
          } catch {
            // Still down; the next round logs nothing new.
          }
        }
        logger.error({ key }, `IICS callback store ${what} gave up; the claim expires with its lease`);
      })(),
    );
    return 'failed';
  };

  /**
   * `persist` for a store write, called directly on a MemoryStore (`syncWrite`); a write that throws
   * there goes the store's own way, with its retries in the background.
   */
  const persistWrite = (
    what: string,
    key: string,
    syncWrite: (store: NonNullable<typeof sync>) => boolean,
    write: () => Promise<boolean>,
  ): Promise<'ok' | 'refused' | 'failed'> | 'ok' | 'refused' | 'failed' => {
    if (sync) {
      try {
        return syncWrite(sync) ? 'ok' : 'refused';
      } catch {
        // Logged and retried by persist below.
      }
    }
    return persist(what, key, write);
  };

  /** The claim through the store's promise, bounded by storeTimeoutMs: the claim, or the 503 to answer. */
  const claimWithTimeout = async (key: string, token: string, log: Record<string, unknown>): Promise<ClaimResult | CallbackHttpResponse> => {
    const claiming = o.store.claim(key, token, o.leaseMs);
    try {
      return await withTimeout(claiming, o.storeTimeoutMs, "the store's claim");
    } catch (error) {
      if (error instanceof StoreTimeoutError) {
        // The claim may still land once the store answers; hand it straight back so it blocks no retry.
        claiming.then(
          (late) => {
            if (late === 'claimed') track(persist('release', key, () => o.store.release(key, token)));
          },
          () => undefined,
        );
      }
      logger.error({ ...log, ...errorFields(error) }, 'IICS callback store unavailable; answered 503 so IICS retries');
      return fail(503, 'store_unavailable', 'the receiver cannot reach its store; retry later');
    }
  };

  const processCallback = async (
    callback: CallbackUrlResponse,
    info: CallbackRequestInfo,
    receivedAt: number,
    message: ReceiveMessage | undefined,
  ): Promise<CallbackHttpResponse> => {
    let key: string;
    try {
      key = o.key(callback);
      if (typeof key !== 'string' || key.length === 0) throw new TypeError(`the key option returned ${typeof key}, not a non-empty string`);
    } catch (error) {
      logger.error(errorFields(error), 'IICS callback key option failed');
      return fail(500, 'internal_error', 'the receiver could not compute the callback key');
    }
    const log = { key, objectId: callback.objectId, runId: callback.runId, status: callback.status };
    if (message) Object.assign(message, { key, objectId: callback.objectId, runId: callback.runId, callbackStatus: callback.status });
    const context: CallbackContext = { key, receivedAt: new Date(receivedAt), request: info };
    const token = randomUUID();

    let claim: ClaimResult;
    if (sync) {
      try {
        claim = sync.claim(key, token, o.leaseMs);
      } catch (error) {
        logger.error({ ...log, ...errorFields(error) }, 'IICS callback store unavailable; answered 503 so IICS retries');
        return fail(503, 'store_unavailable', 'the receiver cannot reach its store; retry later');
      }
    } else {
      const claimed = await claimWithTimeout(key, token, log);
      if (typeof claimed !== 'string') return claimed;
      claim = claimed;
    }

    if (claim === 'done') {
      logger.info(log, 'IICS callback already processed; answered 200');
      if (o.onDuplicate) {
        const hook = o.onDuplicate;
        callHook('onDuplicate', () => hook(callback, context));
      }
      return answer(200, { status: 'duplicate', key });
    }
    if (claim === 'in-flight') {
      logger.info(log, 'IICS callback is being processed by another delivery; answered 409');
      return fail(409, 'in_progress', 'this callback is being processed; retry later');
    }

    // The lease is renewed every leaseMs / 3 while the handler runs. With the defaults that is long
    // after handlerTimeoutMs, so the renewal timer is only started for a handler still running then
    // (or at once when leaseMs / 3 comes first): a handler that settles in time costs no timer for it.
    let renewal: NodeJS.Timeout | undefined;
    let settled = false;
    const startRenewal = (firstInMs: number): void => {
      if (!o.store.extend || settled || renewal) return;
      const extend = o.store.extend.bind(o.store);
      const renew = (): void => {
        withTimeout(extend(key, token, o.leaseMs), o.storeTimeoutMs, "the store's extend").catch((error: unknown) =>
          logger.warn({ ...log, ...errorFields(error) }, 'IICS callback lease renewal failed'),
        );
      };
      renewal = setTimeout(() => {
        renew();
        if (!settled) renewal = setInterval(renew, renewEveryMs).unref();
      }, Math.max(0, firstInMs)).unref();
    };
    const answerByMs = Math.max(0, receivedAt + o.handlerTimeoutMs - Date.now());
    if (renewEveryMs <= answerByMs) startRenewal(renewEveryMs);

    const startedAt = Date.now();
    const running = channels.handler.hasSubscribers
      ? traced(
          channels.handler,
          () => ({ key, objectId: callback.objectId, runId: callback.runId, callbackStatus: callback.status }),
          async () => o.onCallback(callback, context),
        )
      : callHandler(o.onCallback, callback, context);

    // One promise for the answer: settled by the outcome once it is recorded, or by the answer
    // deadline first (503; the handler runs on, tracked for drain, and its outcome is still recorded).
    return new Promise<CallbackHttpResponse>((resolve) => {
      let answered = false;
      const timer = setTimeout(() => {
        answered = true;
        // Still running: from now on its lease needs renewing (no-op if that already started or it settled).
        startRenewal(renewEveryMs - (Date.now() - startedAt));
        logger.warn(log, 'IICS callback handler still running at handlerTimeoutMs; answered 503, the claim is kept until it settles');
        resolve(fail(503, 'handler_timeout', 'the callback is still being processed; retry later'));
      }, answerByMs);
      const finish = (response: () => CallbackHttpResponse): void => {
        end();
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        resolve(response());
      };
      const crashed = (error: unknown): void =>
        finish(() => {
          // Only a bug of ours gets here; the caller still gets an answer IICS retries, never a crash.
          logger.error(errorFields(error), 'IICS callback receiver failed');
          return fail(500, 'internal_error', 'the receiver failed; retry later');
        });
      const processed = (recorded: 'ok' | 'refused' | 'failed'): void => {
        if (logging) logger.info({ ...log, durationMs: Date.now() - startedAt }, 'IICS callback processed');
        if (recorded === 'refused') {
          logger.warn(log, 'IICS callback handler outlived its lease and another delivery claimed the callback; raise leaseMs');
        }
        finish(() => answer(200, { status: 'processed', key }));
      };
      const failed = (): void => finish(() => fail(500, 'handler_failed', 'the callback handler failed; retry later'));
      begin();
      running.then(
        () => {
          try {
            settled = true;
            clearTimeout(renewal);
            if (o.hub) track(publishCompletion(o.hub, callback, logger, o.leaseMs));
            const recorded = persistWrite('markDone', key, (st) => st.markDone(key, token, o.doneTtlMs), () => o.store.markDone(key, token, o.doneTtlMs));
            if (typeof recorded === 'string') processed(recorded);
            else recorded.then(processed, crashed);
          } catch (error) {
            crashed(error);
          }
        },
        (error: unknown) => {
          try {
            settled = true;
            clearTimeout(renewal);
            logger.error({ ...log, ...errorFields(error) }, 'IICS callback handler failed; released for a retry');
            const released = persistWrite('release', key, (st) => st.release(key, token), () => o.store.release(key, token));
            if (typeof released === 'string') failed();
            else released.then(failed, crashed);
          } catch (crash) {
            crashed(crash);
          }
        },
      );
    });
  };

  const receive = async (request: CallbackHttpRequest, message: ReceiveMessage | undefined): Promise<CallbackHttpResponse> => {
    const receivedAt = Date.now();
    const headers = lowerCaseHeaders(request.headers ?? {});
    const target = typeof request.url === 'string' && request.url !== '' ? request.url : '/';
    const secretHeader = firstHeader(headers[SECRET_HEADER]);
    delete headers[SECRET_HEADER];
    const secret = checkSecret?.(target, secretHeader);
    const info: CallbackRequestInfo = {
      method: String(request.method ?? '').toUpperCase(),
      path: secret?.path ?? splitTarget(target).path,
      headers,
    };
    if (request.ip !== undefined) info.ip = request.ip;
    if (request.raw !== undefined) info.raw = request.raw;

    if (info.method !== 'POST') {
      return refuse(info, reject(405, 'method_not_allowed', `IICS callbacks are POST requests, got ${info.method || 'no method'}`), {
        allow: 'POST',
      });
    }
    if (ipAllowed && !ipAllowed(request.ip)) {
      return refuse(info, reject(403, 'forbidden', `the address ${request.ip ?? '(unknown)'} is not in allowedIps`));
    }
    if (secret && !secret.ok) {
      return refuse(info, reject(401, 'unauthorized', 'the callback secret is missing or wrong'));
    }
    const contentType = firstHeader(headers['content-type']);
    const badType = checkContentType(contentType, firstHeader(headers['content-encoding']));
    if (badType) return refuse(info, badType);

    const declared = firstHeader(headers['content-length']);
    const declaredLength = declared !== undefined && /^\d+$/.test(declared.trim()) ? Number(declared) : undefined;
    const tooLarge = (): BodyFailure => reject(413, 'payload_too_large', `the body is larger than the limit of ${o.limit} bytes`);
    if (declaredLength !== undefined && declaredLength > o.limit) return refuse(info, tooLarge());

    let result: BodyResult;
    if (request.parsedBody !== undefined) {
      if (declaredLength === 0) {
        result = reject(400, 'empty_body', 'the body is empty; expected a callbackUrlResponse JSON object');
      } else if (declaredLength === undefined && serializedLength(request.parsedBody) > o.limit) {
        result = tooLarge();
      } else {
        result = validateCallback(request.parsedBody);
      }
    } else {
      let raw: Uint8Array | string;
      try {
        raw = typeof request.body === 'function' ? await request.body(o.limit) : (request.body ?? '');
      } catch (error) {
        return refuse(info, bodyFailure(error, o.limit));
      }
      const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
      result = size > o.limit ? tooLarge() : readRawBody(raw, contentType !== undefined && contentType.trim() !== '');
    }
    if (!result.ok) return refuse(info, result);

    try {
      return await processCallback(result.callback, info, receivedAt, message);
    } catch (error) {
      // Only a bug of ours gets here; the caller still gets an answer IICS retries, never a crash.
      logger.error(errorFields(error), 'IICS callback receiver failed');
      return fail(500, 'internal_error', 'the receiver failed; retry later');
    }
  };

  const handle = (request: CallbackHttpRequest): Promise<CallbackHttpResponse> =>
    // Without a subscriber, no message and no wrapper around receive (traced would add an async one).
    !channels.receive.hasSubscribers
      ? receive(request, undefined)
      : traced(channels.receive, () => receiveMessage(request), async (message) => {
      const response = await receive(request, message);
      if (message) {
        message.statusCode = response.status;
        message.outcome = 'error' in response.body ? response.body.error.code : response.body.status;
      }
      return response;
    });

  return {
    handle,
    async drain(timeoutMs?: number) {
      const settled = (async () => {
        while (pending > 0) await new Promise<void>((resolve) => idle.push(resolve));
        return true;
      })();
      if (timeoutMs === undefined) return settled;
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return await Promise.race([settled, gaveUp]);
      } finally {
        clearTimeout(timer);
      }
    },
    limit: o.limit,
    bodyTimeoutMs: o.bodyTimeoutMs,
  };
}

function receiveMessage(request: CallbackHttpRequest): ReceiveMessage {
  const target = typeof request.url === 'string' && request.url !== '' ? request.url : '/';
  const traceparent = traceparentOf(target);
  return {
    method: String(request.method ?? '').toUpperCase(),
    path: splitTarget(target).path,
    ...(traceparent === undefined ? {} : { traceparent }),
  };
}

function bodyFailure(error: unknown, limit: number): BodyFailure {
  if (error instanceof CallbackBodyError) {
    const status = error.code === 'payload_too_large' ? 413 : error.code === 'body_timeout' ? 408 : 500;
    const message = error.code === 'payload_too_large' ? `the body is larger than the limit of ${limit} bytes` : error.message;
    return { ok: false, status, code: error.code, message, details: [] };
  }
  return { ok: false, status: 500, code: 'body_unavailable', message: 'the receiver could not read the request body', details: [] };
}

function lowerCaseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = Object.create(null) as Record<string, string | string[] | undefined>;
  for (const name in headers) if (Object.hasOwn(headers, name)) out[name.toLowerCase()] = headers[name];
  return out;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function serializedLength(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch {
    return 0;
  }
}

export const UNAUTHENTICATED_WARNING =
  'IICS callbacks are not authenticated: anyone who can reach this receiver can post a job end. Set the secret option (and pass callbackUrl(url, { secret }) as callbackURL), or allowedIps.';
let warnedProcess = false;

/**
 * Said once when the receiver is made, to its logger; without a logger, once per process as a Node.js
 * warning (on stderr), so that a receiver left open by mistake is seen without flooding test output.
 */
function warnUnauthenticated(logger: CallbackLogger | undefined): void {
  if (logger) {
    logger.warn({ code: 'callbacks_unauthenticated' }, UNAUTHENTICATED_WARNING);
    return;
  }
  if (warnedProcess) return;
  warnedProcess = true;
  process.emitWarning(UNAUTHENTICATED_WARNING, { code: 'IICS_CALLBACKS_UNAUTHENTICATED' });
}
