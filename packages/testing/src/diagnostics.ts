import { tracingChannel } from 'node:diagnostics_channel';

/**
 * The tracing channel of callback delivery attempts (`deliverCallback` and the fake's own callbacks);
 * @iics-jobs/otel turns it into spans. Without a subscriber no message is built.
 */
export const TESTING_CHANNELS = {
  callbackAttempt: 'iics-jobs:testing:callback-attempt',
} as const;

export interface CallbackAttemptMessage {
  /** The callback URL's origin and path: the query, which may hold a secret, is left out. */
  url: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** From the payload, when it has them. */
  objectId?: string;
  runId?: number;
  callbackStatus?: string;
  /** The receiver's HTTP status, when it answered. Only 200 counts as received. */
  statusCode?: number;
  /** Why there was no answer (a connection error code, or a timeout). */
  failure?: string;
  error?: unknown;
}

export const attemptChannel = tracingChannel<unknown, CallbackAttemptMessage>(TESTING_CHANNELS.callbackAttempt);

export function attemptMessage(url: URL, attempt: number, payload: unknown): CallbackAttemptMessage {
  const message: CallbackAttemptMessage = { url: `${url.origin}${url.pathname}`, attempt };
  if (payload !== null && typeof payload === 'object') {
    const { objectId, runId, status } = payload as Record<string, unknown>;
    if (typeof objectId === 'string') message.objectId = objectId;
    if (typeof runId === 'number') message.runId = runId;
    if (typeof status === 'string') message.callbackStatus = status;
  }
  return message;
}
