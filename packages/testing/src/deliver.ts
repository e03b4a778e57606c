import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { checkDelays, checkMs } from './checks.js';
import { createClock, type Clock } from './clock.js';
import { attemptChannel, attemptMessage } from './diagnostics.js';
import { CALLBACK_ATTEMPT_TIMEOUT_MS, CALLBACK_WINDOW_MS, callbackRetrySchedule } from './retry-schedule.js';

/** One POST of a callback. `at` is fake-clock epoch ms; `elapsedMs` counts from the first attempt. */
export interface DeliveryAttempt {
  at: number;
  elapsedMs: number;
  /** The HTTP status of the answer, when there was one. Only 200 counts as received. */
  status?: number;
  /** Why there was no answer: a connection error code, or a timeout. */
  error?: string;
}

export interface DeliveryResult {
  /** Some attempt got exactly 200. */
  delivered: boolean;
  attempts: DeliveryAttempt[];
}

export interface DeliverCallbackOptions {
  /** Real ms per fake ms for a clock made for this delivery (ignored when `clock` is given). */
  timeScale?: number;
  clock?: Clock;
  /** Delays in fake ms before attempts 2, 3, ... (default `callbackRetrySchedule()`). */
  schedule?: number[];
  /** Fake ms to wait for an answer (default 30 000), and never less than 1 s of real time. */
  attemptTimeoutMs?: number;
  /** No attempt starts later than this many fake ms after the first (default 30 minutes). */
  windowMs?: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Called after every attempt, e.g. to watch a delivery while it goes on. */
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

/** However fast the clock runs, a receiver gets at least this long in real time to answer. */
export const MIN_REAL_ATTEMPT_TIMEOUT_MS = 1000;
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Sends one callback the way IICS does: POST `payload` as JSON to `url`, and retry on any answer
 * but 200, on no answer within the attempt timeout, and on a connection error, following the
 * schedule until the window has passed.
 *
 * Attempt times follow the schedule in fake time: an attempt that got an answer (or a connection
 * error) counts as instantaneous, because at a fast `timeScale` a millisecond of real network
 * time would otherwise show up as whole fake seconds; an attempt that timed out ends when the
 * clock says the timeout ended. The next attempt is due that long after the previous one ended.
 */
export async function deliverCallback(url: string, payload: unknown, options: DeliverCallbackOptions = {}): Promise<DeliveryResult> {
  return deliverWith(url, payload, options, undefined);
}

/**
 * Keep-alive agents for many deliveries to the same receivers (the fake's own sender): attempts
 * reuse connections instead of opening one each. Whoever makes them destroys them when done.
 */
export interface DeliveryAgents {
  http: http.Agent;
  https: https.Agent;
}

export function createDeliveryAgents(): DeliveryAgents {
  // `timeout`: an idle pooled socket is dropped after 4 s, before a receiver's keep-alive timeout
  // (Node's default is 5 s) can close it under an attempt that was just written to it.
  // `maxSockets`: at most this many connections to one receiver; more attempts at once wait for one
  // (their answer timeout starts when they get it), instead of thousands of connects at once.
  const options = { keepAlive: true, timeout: 4_000, scheduling: 'lifo' as const, maxSockets: 128, maxFreeSockets: 128 };
  return { http: new http.Agent(options), https: new https.Agent(options) };
}

/** `deliverCallback` over the given agents (undefined: a fresh connection per attempt). */
export async function deliverWith(
  url: string,
  payload: unknown,
  options: DeliverCallbackOptions,
  agents: DeliveryAgents | undefined,
): Promise<DeliveryResult> {
  const target = parseCallbackUrl(url);
  const body = serializePayload(payload);
  const schedule = checkDelays(options.schedule ?? callbackRetrySchedule(), 'schedule');
  const attemptTimeoutMs = checkMs(options.attemptTimeoutMs ?? CALLBACK_ATTEMPT_TIMEOUT_MS, 'attemptTimeoutMs', 'above0');
  const windowMs = checkMs(options.windowMs ?? CALLBACK_WINDOW_MS, 'windowMs', 'atLeast0');
  const headers = checkHeaders(options.headers);
  const clock = options.clock ?? createClock({ timeScale: options.timeScale ?? 1 });
  const { signal } = options;
  signal?.throwIfAborted();

  const attempts: DeliveryAttempt[] = [];
  const firstAt = clock.now();
  let due = firstAt;
  for (let index = 0; ; index++) {
    const wait = due - clock.now();
    if (wait > 0) await clock.sleep(wait, signal);
    const send = (): Promise<AttemptOutcome> => postOnce(target, body, headers, clock, attemptTimeoutMs, signal, agents);
    const outcome = attemptChannel.hasSubscribers ? await tracedAttempt(attemptMessage(target, index + 1, payload), send) : await send();
    const attempt: DeliveryAttempt = { at: due, elapsedMs: due - firstAt };
    if (outcome.status !== undefined) attempt.status = outcome.status;
    if (outcome.error !== undefined) attempt.error = outcome.error;
    attempts.push(attempt);
    options.onAttempt?.(attempt);
    if (outcome.status === 200) return { delivered: true, attempts };

    const delay = schedule[index];
    if (delay === undefined) break;
    const ended = outcome.timedOut ? Math.max(due + attemptTimeoutMs, clock.now()) : due;
    const next = ended + delay;
    if (next - firstAt > windowMs) break;
    due = next;
  }
  return { delivered: false, attempts };
}

interface AttemptOutcome {
  status?: number;
  error?: string;
  timedOut?: boolean;
}

async function tracedAttempt(message: ReturnType<typeof attemptMessage>, send: () => Promise<AttemptOutcome>): Promise<AttemptOutcome> {
  let outcome: AttemptOutcome | undefined;
  await attemptChannel.tracePromise(async () => {
    outcome = await send();
    if (outcome.status !== undefined) message.statusCode = outcome.status;
    if (outcome.error !== undefined) message.failure = outcome.error;
  }, message);
  return outcome!;
}

function postOnce(
  url: URL,
  body: Buffer,
  headers: Record<string, string>,
  clock: Clock,
  fakeTimeoutMs: number,
  signal: AbortSignal | undefined,
  agents: DeliveryAgents | undefined,
): Promise<AttemptOutcome> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<AttemptOutcome>((resolve, reject) => {
    let settled = false;
    const secure = url.protocol === 'https:';
    const transport = secure ? https : http;
    const request = transport.request(url, {
      method: 'POST',
      // Without agents, a fresh connection per attempt: no pooled socket outlives the delivery.
      agent: agents ? (secure ? agents.https : agents.http) : false,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(body.length),
        ...(agents ? {} : { connection: 'close' }),
      },
    });
    let answered = false;
    const finish = (outcome: AttemptOutcome | Error, abort = false): void => {
      if (settled) return;
      settled = true;
      fakeTimer.cancel();
      realTimer.cancel();
      signal?.removeEventListener('abort', onAbort);
      // A pooled socket whose answer was read whole goes back to the pool; anything else is torn down.
      if (!(agents && answered)) request.destroy();
      if (abort) reject(outcome);
      else resolve(outcome as AttemptOutcome);
    };
    const onAbort = (): void => finish(signal?.reason as Error, true);
    // The timeout is fake time, so the clock cannot run past it while the attempt is open; and at
    // least a real second, so that a fast clock does not fail a receiver for ordinary latency.
    let fakeElapsed = false;
    let realElapsed = false;
    const timeUp = (): void => {
      if (fakeElapsed && realElapsed) finish({ error: `no answer within ${fakeTimeoutMs} ms`, timedOut: true });
    };
    // The clock starts once the request has a connection: waiting for one of the agents' sockets is
    // the sender's own queue, not the receiver being slow.
    let fakeTimer = { cancel: (): void => {} };
    let realTimer = { cancel: (): void => {} };
    request.once('socket', () => {
      if (settled) return;
      fakeTimer = clock.setTimeout(() => {
        fakeElapsed = true;
        timeUp();
      }, fakeTimeoutMs);
      realTimer = responsiveTimeout(() => {
        realElapsed = true;
        timeUp();
      }, MIN_REAL_ATTEMPT_TIMEOUT_MS);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // IICS ignores the answer's body; a receiver streaming without end must not hold the attempt.
        if (received > MAX_ANSWER_BYTES) finish({ status });
      });
      response.on('end', () => {
        answered = true;
        finish({ status });
      });
      response.on('error', () => finish({ status }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }));
    request.end(body);
  });
}

/** How late a real timer may fire before it counts as a stall of this process's event loop. */
const STALL_MS = 100;

/**
 * A real-time timeout that counts only time this process could have read an answer in. A timer
 * that fires late fired after a stall of this event loop (thousands of deliveries at once), and
 * an answer that arrived meanwhile is still unread in the socket: it waits the stall out again.
 * When it fires on time it still lets the I/O of this loop turn run first (setImmediate), so an
 * answer that came in with the timer is read before the attempt is called timed out.
 */
function responsiveTimeout(fn: () => void, ms: number): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const arm = (delay: number): void => {
    const due = performance.now() + delay;
    timer = setTimeout(() => {
      const late = performance.now() - due;
      if (late > STALL_MS) arm(Math.min(late, ms));
      else immediate = setImmediate(fn);
    }, delay);
  };
  arm(ms);
  return {
    cancel() {
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
    },
  };
}

function parseCallbackUrl(url: string): URL {
  if (typeof url !== 'string' || !URL.canParse(url)) {
    // The URL itself stays out of the message: it may carry a secret.
    throw new TypeError(`url must be an absolute http(s) URL, got ${typeof url === 'string' ? 'an unparsable string' : typeof url}`);
  }
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`url must use http or https, got ${parsed.protocol}`);
  }
  return parsed;
}

function serializePayload(payload: unknown): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw new TypeError(`payload cannot be sent as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new TypeError('payload cannot be sent as JSON: it is undefined or a function');
  return Buffer.from(text, 'utf8');
}

function checkHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== 'object') throw new TypeError('headers must be an object of strings');
  for (const [name, value] of Object.entries(headers)) {
    // Values are left out of the message: they may be secrets.
    if (typeof value !== 'string') throw new TypeError(`headers.${name} must be a string`);
  }
  return headers;
}
