import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import type { JobRef, JobStatus } from './status.js';

/**
 * The tracing channels this client publishes on (Node's `diagnostics_channel.tracingChannel`), as undici
 * does: subscribers (such as @iics-jobs/otel) turn them into spans; without one, nothing is built.
 * Each message is the object below; Node adds `result` when the call resolves and `error` when it fails.
 * No message holds a password, a session id or a callback URL (which may carry a secret).
 */
export const CLIENT_CHANNELS = {
  login: 'iics-jobs:client:login',
  lookup: 'iics-jobs:client:lookup',
  start: 'iics-jobs:client:start',
  stop: 'iics-jobs:client:stop',
  status: 'iics-jobs:client:status',
  wait: 'iics-jobs:client:wait',
  /** `jobs.run`: the parent of its start and its wait. */
  run: 'iics-jobs:client:run',
  request: 'iics-jobs:client:request',
} as const;

export interface LoginMessage {
  apiVersion: 'v2' | 'v3';
  /** The login host's origin, e.g. "https://dm-us.informaticacloud.com". */
  loginOrigin: string;
  error?: unknown;
}

export interface LookupMessage {
  path: string;
  type: string;
  /** True when the answer came from the client's lookup cache (no request sent). */
  cached?: boolean;
  result?: unknown;
  error?: unknown;
}

export interface StartMessage {
  taskType: string;
  /** How the task was named: one of these is set. */
  taskId?: string;
  taskFederatedId?: string;
  taskName?: string;
  path?: string;
  /** Whether a callbackURL was sent (the URL itself may hold a secret and is left out). */
  callback: boolean;
  /** The start answer, with `taskId` and `runId`. */
  result?: { taskId: string; runId: number; taskType: string; taskName?: string };
  error?: unknown;
}

export interface StopMessage {
  taskType: string;
  taskId?: string;
  taskFederatedId?: string;
  taskName?: string;
  path?: string;
  cleanStop: boolean;
  error?: unknown;
}

/** One status read: a `jobs.status` call, or one poll of a wait. */
export interface StatusMessage extends JobRef {
  result?: JobStatus;
  error?: unknown;
}

export interface WaitMessage extends JobRef {
  pollIntervalMs?: number;
  timeoutMs?: number;
  /** The final status; its `state` is the outcome. */
  result?: JobStatus;
  error?: unknown;
}

/** `jobs.run`: a start message whose `result` is the final status. */
export interface RunMessage extends Omit<StartMessage, 'result'> {
  result?: JobStatus;
}

/** One HTTP exchange with IICS. `operation` is "METHOD /path" and holds no query values. */
export interface RequestMessage {
  method: string;
  origin: string;
  operation: string;
  /** The HTTP status, once an answer arrived. */
  statusCode?: number;
  result?: unknown;
  error?: unknown;
}

export const channels = {
  login: tracingChannel<unknown, LoginMessage & object>(CLIENT_CHANNELS.login),
  lookup: tracingChannel<unknown, LookupMessage & object>(CLIENT_CHANNELS.lookup),
  start: tracingChannel<unknown, StartMessage & object>(CLIENT_CHANNELS.start),
  stop: tracingChannel<unknown, StopMessage & object>(CLIENT_CHANNELS.stop),
  status: tracingChannel<unknown, StatusMessage & object>(CLIENT_CHANNELS.status),
  wait: tracingChannel<unknown, WaitMessage & object>(CLIENT_CHANNELS.wait),
  run: tracingChannel<unknown, RunMessage & object>(CLIENT_CHANNELS.run),
  request: tracingChannel<unknown, RequestMessage & object>(CLIENT_CHANNELS.request),
};

/**
 * Runs `fn` inside the channel's trace when anyone listens; otherwise just runs it, and `message`
 * (a function, so that nothing is built) is never called. With `withResult: false` the message gets
 * no `result` (a login's session or an HTTP answer's body must not reach a subscriber).
 */
export function traced<M extends object, T>(
  channel: TracingChannel<unknown, M>,
  message: () => M,
  fn: (message: M | undefined) => Promise<T>,
  withResult = true,
): Promise<T> {
  if (!channel.hasSubscribers) return fn(undefined);
  const m = message();
  if (withResult) return channel.tracePromise(() => fn(m), m);
  let out: T;
  return channel
    .tracePromise(async () => {
      out = await fn(m);
      // Node sets `result` to what this resolves with: only what `fn` chose to put there.
      return (m as { result?: unknown }).result;
    }, m)
    .then(() => out);
}
