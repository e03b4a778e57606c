import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';

/**
 * The tracing channels the receiver publishes on (Node's `diagnostics_channel.tracingChannel`); @iics-jobs/otel
 * turns them into spans. Without a subscriber no message is built. No message holds the secret, the
 * request's query string or its headers.
 */
export const CALLBACK_CHANNELS = {
  /** Every request the receiver answers: accepted, duplicate, or rejected with its code. */
  receive: 'iics-jobs:callback:receive',
  /** Every run of `onCallback` (at most once per callback key, however often IICS delivers). */
  handler: 'iics-jobs:callback:handler',
} as const;

export interface ReceiveMessage {
  method: string;
  /** The request path, without the query (which may hold the secret). */
  path: string;
  /** A W3C `traceparent` carried as a query parameter of the callback URL, if any (see @iics-jobs/otel). */
  traceparent?: string;
  /** Set once the body was read and valid. */
  key?: string;
  objectId?: string;
  runId?: number;
  callbackStatus?: string;
  /** The HTTP status answered. */
  statusCode?: number;
  /** `processed`, `duplicate`, or the error code of the answer (`unauthorized`, `in_progress`, `handler_failed`, ...). */
  outcome?: string;
  result?: unknown;
  error?: unknown;
}

export interface HandlerMessage {
  key: string;
  objectId: string;
  runId: number;
  callbackStatus: string;
  result?: unknown;
  error?: unknown;
}

export const channels = {
  receive: tracingChannel<unknown, ReceiveMessage>(CALLBACK_CHANNELS.receive),
  handler: tracingChannel<unknown, HandlerMessage>(CALLBACK_CHANNELS.handler),
};

/** `fn` inside the channel's trace when anyone listens; the message is built only then. */
export function traced<M extends object, T>(channel: TracingChannel<unknown, M>, message: () => M, fn: (m: M | undefined) => Promise<T>): Promise<T> {
  if (!channel.hasSubscribers) return fn(undefined);
  const m = message();
  return channel.tracePromise(() => fn(m), m);
}

/** The `traceparent` query parameter of a request target, if it has one. */
export function traceparentOf(target: string): string | undefined {
  const q = target.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(target.slice(q + 1)).get('traceparent') ?? undefined;
}
