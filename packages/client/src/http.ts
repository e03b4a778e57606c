import { EventEmitter } from 'node:events';
import { Agent, type Dispatcher } from 'undici';
import { IicsAbortedError, IicsClientClosedError, IicsError, IicsInvalidResponseError, IicsNetworkError, IicsTimeoutError } from './errors.js';
import { channels, traced } from './diagnostics.js';
import type { Secrets } from './secrets.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Where it goes: "https://host:port" and the path with its query ("/saas/api/v2/job?x=1"); see `targetOf`. */
  origin: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  /** "POST /api/v2/job", for messages. Holds no query values that could be secret. */
  operation: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body's bytes as received (a binary download such as file ingestion logs). */
  bytes: Buffer;
}

/** An answer whose body is still to be read: `body` as a stream, or `read()` all of it (with the size limit). */
export interface HttpStreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer | string> & { destroy(error?: Error): unknown };
  read(): Promise<HttpResponse>;
}

/** A URL as the origin and path (with query) of an HttpRequest. */
export function targetOf(url: URL): { origin: string; path: string } {
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
}

/** Answers above this are refused: a list of running jobs is kilobytes; anything this large is not IICS. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

// Error codes that mean no connection was ever made, so the request never reached the server
// and even a job start can safely be sent again.
const CONNECT_FAILURE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Sends one request through undici, with a deadline, and turns every failure into an IicsError. */
export class HttpTransport {
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #userAgent: string;
  readonly #secrets: Secrets;
  #closed = false;

  constructor(options: { dispatcher?: Dispatcher; connectTimeoutMs: number; userAgent: string; secrets: Secrets }) {
    this.#userAgent = options.userAgent;
    this.#secrets = options.secrets;
    if (options.dispatcher) {
      this.#dispatcher = options.dispatcher;
      this.#ownsDispatcher = false;
    } else {
      // An Agent keeps one keep-alive Pool per origin (the login host and the POD host).
      // It is ours alone: the global dispatcher is never touched.
      this.#dispatcher = new Agent({ connect: { timeout: options.connectTimeoutMs }, keepAliveTimeout: 10_000 });
      this.#ownsDispatcher = true;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    // Without a subscriber: the exchange itself, without the async wrapper that fills the message.
    if (!channels.request.hasSubscribers) return this.exchange(req, readAll);
    return traced(
      channels.request,
      () => ({ method: req.method, origin: req.origin, operation: req.operation }),
      async (message) => {
        const res = await this.exchange(req, readAll);
        if (message) message.statusCode = res.status;
        return res;
      },
      false,
    );
  }

  /** Sends one request and hands the answer to `read`; the deadline and the signal cover reading it too. */
  async exchange<T>(req: HttpRequest, read: (res: HttpStreamResponse) => Promise<T>): Promise<T> {
    if (this.#closed) throw new IicsClientClosedError();
    if (req.signal?.aborted) throw abortedError(req.operation, req.signal.reason);

    // undici takes an EventEmitter as the signal of a request (its documented `signal` option), which
    // costs a fraction of an AbortController (about 6 µs with its listeners, per request): it is what
    // the deadline and the caller's signal abort through.
    const abort = new EventEmitter();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.emit('abort');
    }, req.timeoutMs);
    const onAbort = (): void => {
      abort.emit('abort');
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });

    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.#userAgent,
      ...req.headers,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }

    try {
      const res = await this.#dispatcher.request({
        origin: req.origin,
        path: req.path,
        method: req.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: abort,
        // Our own timer bounds the whole exchange; these only keep undici's defaults from firing first.
        headersTimeout: req.timeoutMs + 1000,
        bodyTimeout: req.timeoutMs + 1000,
      });
      try {
        return await read({
          status: res.statusCode,
          headers: res.headers,
          body: res.body,
          read: async () => {
            const bytes = await readBody(res.body, req.operation, res.statusCode);
            return { status: res.statusCode, headers: res.headers, text: bytes.toString('utf8'), bytes };
          },
        });
      } finally {
        // A reader that stopped early (or failed) must not leave the connection half read.
        if (!res.body.readableEnded) res.body.destroy();
      }
    } catch (error) {
      if (error instanceof IicsError && !timedOut) throw error;
      if (timedOut) {
        throw new IicsTimeoutError(`${req.operation} got no complete answer within ${req.timeoutMs} ms.`, {
          timeoutMs: req.timeoutMs,
          operation: req.operation,
        });
      }
      if (req.signal?.aborted) throw abortedError(req.operation, req.signal.reason);
      if (this.#closed) throw new IicsClientClosedError();
      throw this.#networkError(req.operation, error);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.#dispatcher.destroy();
  }

  #networkError(operation: string, error: unknown): IicsNetworkError {
    const causeCode = errorCode(error);
    const connectFailed = causeCode !== undefined && CONNECT_FAILURE_CODES.has(causeCode);
    const detail = error instanceof Error ? this.#secrets.redact(error.message) : 'unknown error';
    const what = connectFailed ? 'could not connect' : 'the connection failed';
    return new IicsNetworkError(`${operation}: ${what} (${causeCode ?? 'no code'}: ${detail}).`, {
      operation,
      connectFailed,
      cause: error,
      ...(causeCode !== undefined ? { causeCode } : {}),
    });
  }
}

const readAll = (answer: HttpStreamResponse): Promise<HttpResponse> => answer.read();

function abortedError(operation: string, reason: unknown): IicsAbortedError {
  return new IicsAbortedError(`${operation} was aborted.`, { cause: reason });
}

function errorCode(error: unknown): string | undefined {
  // Connection errors come from net with `code`; undici sometimes wraps them in `cause`.
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function readBody(body: Dispatcher.ResponseData['body'], operation: string, status: number): Promise<Buffer> {
  // Plain 'data' events rather than `for await`: the async iterator costs a promise per chunk, which
  // showed in the time of every call (an answer is usually one chunk).
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > MAX_BODY_BYTES) {
        body.destroy();
        reject(
          new IicsInvalidResponseError(`${operation} answered more than ${MAX_BODY_BYTES} bytes; refused.`, {
            operation,
            status,
            issues: [{ path: '', message: 'the answer is too large' }],
          }),
        );
        return;
      }
      chunks.push(buf);
    });
    body.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    body.on('error', reject);
  });
}
