import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeValue } from './body.js';
import { CallbackBodyError, type ErrorBody, errorBody, type Rejection, type RejectionCode } from './errors.js';
import { type CallbackHandler, type CallbackHttpRequest, type CallbackHttpResponse, createHandler } from './handler.js';
import { type CallbackLogger, errorFields, safeLogger, silentLogger } from './logger.js';
import { type CallbackHandlerOptions, type CallbackRequestInfo, resolveOptions } from './options.js';
import { createSecretChecker, SECRET_HEADER, secretsFrom, splitTarget } from './secret.js';

/**
 * What the middleware reads from a request: Node's IncomingMessage plus Express's `ip`,
 * `originalUrl` and `body`. Written out so the types need no @types/express; Express 4's and 5's
 * `Request` fit it, so the middleware is assignable to their `RequestHandler`.
 */
export interface CallbackMiddlewareRequest extends IncomingMessage {
  ip?: string | undefined;
  originalUrl?: string;
  body?: unknown;
}

export type CallbackMiddlewareOptions = CallbackHandlerOptions;

/** An Express middleware (Express 4 and 5) that answers every request itself and never calls `next`. */
export interface CallbackMiddleware {
  (req: CallbackMiddlewareRequest, res: ServerResponse, next: (error?: unknown) => void): void;
  /** See `CallbackHandler.drain`: await before shutting down so handlers answered 503 can finish. */
  drain(timeoutMs?: number): Promise<boolean>;
}

/**
 * The Express adapter: `app.post('/iics/callback', createCallbackMiddleware({ onCallback }))`, or
 * `app.use(path, …)`. It reads the body whether or not `express.json()`, `express.raw()` or
 * `express.text()` ran first, and answers every request itself.
 */
export function createCallbackMiddleware(options: CallbackMiddlewareOptions): CallbackMiddleware {
  const resolved = resolveOptions(options, 'createCallbackMiddleware');
  const handler = createHandler(resolved);
  const logger = resolved.logger ? safeLogger(resolved.logger) : silentLogger;
  const middleware = (req: CallbackMiddlewareRequest, res: ServerResponse): void => {
    handler.handle(toCallbackRequest(req, handler)).then(
      (response) => send(res, response),
      (error: unknown) => {
        // handle() does not reject; this is the last guard against an unanswered request.
        logger.error(errorFields(error), 'IICS callback middleware failed');
        send(res, { status: 500, headers: {}, body: errorBody('internal_error', 'the receiver failed; retry later') });
      },
    );
  };
  return Object.assign(middleware, { drain: (timeoutMs?: number) => handler.drain(timeoutMs) });
}

function toCallbackRequest(req: CallbackMiddlewareRequest, handler: CallbackHandler): CallbackHttpRequest {
  // Express's req.ip applies the app's trust proxy setting; the socket address is the fallback outside Express.
  const ip = req.ip ?? req.socket?.remoteAddress;
  // One object, its fields set in place (a spread of a shared base cost a copy per request).
  const request: CallbackHttpRequest = {
    method: req.method ?? '',
    url: req.originalUrl ?? req.url ?? '/',
    headers: req.headers,
    raw: req,
  };
  if (ip !== undefined) request.ip = ip;
  const parsedByBodyParser = (req as { _body?: unknown })._body === true;
  // body-parser 1 (Express 4) flags what it read with `_body`; body-parser 2 (Express 5) leaves the
  // stream ended. Express 4 also sets `req.body = {}` for requests it did not read, so an unread
  // stream wins over whatever `req.body` holds.
  const consumed = parsedByBodyParser || req.readableEnded || (req.complete && !req.readable);
  if (!consumed) {
    request.body = (limit) => readStream(req, limit, handler.bodyTimeoutMs);
    return request;
  }
  const body = req.body;
  if (typeof body === 'string' || body instanceof Uint8Array) request.body = body;
  else if (body !== undefined && body !== null && (parsedByBodyParser || typeof body === 'object')) request.parsedBody = body;
  else {
    request.body = () =>
      Promise.reject(
        new CallbackBodyError(
          'body_unavailable',
          `another middleware already read the request body and left req.body as ${describeValue(body)}; ` +
            'mount the callback middleware before it, or let express.json(), express.raw() or express.text() read this route',
        ),
      );
  }
  return request;
}

function readStream(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: CallbackBodyError): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        // Let the rest of the body drain unread so the answer can still be sent on this connection.
        req.resume();
        reject(error);
      } else {
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      }
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += buffer.byteLength;
      if (size > limit) finish(new CallbackBodyError('payload_too_large', `the body is larger than the limit of ${limit} bytes`));
      else chunks.push(buffer);
    };
    const onEnd = (): void => finish();
    const onError = (error: Error): void =>
      finish(new CallbackBodyError('body_unavailable', `the request body could not be read: ${error.message}`));
    const onClose = (): void =>
      finish(new CallbackBodyError('body_unavailable', 'the client closed the connection before the body was complete'));
    const timer = setTimeout(
      () => finish(new CallbackBodyError('body_timeout', `the body did not arrive within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function send(res: ServerResponse, response: CallbackHttpResponse): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const body = JSON.stringify(response.body);
  // One writeHead with every header, rather than a setHeader each: Node stores them straight into
  // the head it writes. The length is given because a head written before the body cannot know it.
  // Object.assign, not a spread: a spread copy that then gets a key added costs 15 times as much.
  const headers: Record<string, string | number> = Object.assign({}, response.headers);
  headers['content-length'] = Buffer.byteLength(body);
  if (headers['content-type'] === undefined && !res.hasHeader('content-type')) headers['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(response.status, headers);
  res.end(body);
}

export interface CallbackErrorHandlerOptions {
  /** The receiver's secret: a request without it gets 401 rather than a body-parser error. */
  secret?: string | readonly string[];
  onRejected?: (rejection: Rejection, request: CallbackRequestInfo) => unknown;
  logger?: CallbackLogger;
}

/** An Express error middleware: `(error, req, res, next) => void`. */
export type CallbackErrorMiddleware = (
  error: unknown,
  req: CallbackMiddlewareRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

const BODY_PARSER_ERRORS: Record<string, { status: number; code: RejectionCode; message: (e: Error) => string }> = {
  'entity.parse.failed': { status: 400, code: 'invalid_json', message: (e) => `the body is not valid JSON: ${e.message}` },
  'entity.too.large': { status: 413, code: 'payload_too_large', message: () => 'the body is larger than the body parser accepts' },
  'encoding.unsupported': { status: 415, code: 'unsupported_media_type', message: (e) => e.message },
  'charset.unsupported': { status: 415, code: 'unsupported_media_type', message: (e) => e.message },
  'request.size.invalid': { status: 400, code: 'invalid_json', message: () => 'the body is shorter or longer than its Content-Length' },
  'request.aborted': { status: 400, code: 'body_unavailable', message: () => 'the client closed the connection before the body was complete' },
  'stream.encoding.set': { status: 500, code: 'body_unavailable', message: () => 'another middleware set an encoding on the request stream' },
  'stream.not.readable': { status: 500, code: 'body_unavailable', message: () => 'another middleware already read the request body' },
};

/**
 * A decompression failure reaches us as zlib's own error (`errno` and `code`, no `type`), which
 * body-parser only gives the status 400: a gzip/deflate/br body that is corrupt, truncated or empty.
 */
const DECOMPRESSION_FAILED = {
  status: 400,
  code: 'invalid_json',
  message: (e: Error) => `the body could not be decompressed as its Content-Encoding says: ${e.message}`,
} as const satisfies { status: number; code: RejectionCode; message: (e: Error) => string };

function bodyParserError(error: unknown): { status: number; code: RejectionCode; message: (e: Error) => string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & { type?: unknown; errno?: unknown; code?: unknown; status?: unknown };
  if (typeof e.type === 'string') return BODY_PARSER_ERRORS[e.type];
  if (e.status === 400 && typeof e.errno === 'number' && typeof e.code === 'string' && /^(Z_|ERR_)/.test(e.code)) return DECOMPRESSION_FAILED;
  return undefined;
}

/**
 * For apps where `express.json()` (or another body parser) runs before the callback middleware: such a
 * parser answers a malformed body itself, through Express's default error page (with a stack trace
 * outside production). Mount this after the route, on the same path, so those errors get the
 * receiver's JSON error answer instead: `app.use('/iics/callback', createCallbackErrorHandler())`.
 * Other errors go on to `next`.
 */
export function createCallbackErrorHandler(options: CallbackErrorHandlerOptions = {}): CallbackErrorMiddleware {
  const logger = options.logger ? safeLogger(options.logger) : silentLogger;
  const secrets = 'secret' in options ? secretsFrom(options.secret, 'createCallbackErrorHandler') : [];
  const checkSecret = secrets.length > 0 ? createSecretChecker(secrets) : undefined;
  return (error, req, res, next) => {
    const known = bodyParserError(error);
    if (!known || res.headersSent) {
      next(error);
      return;
    }
    const target = req.originalUrl ?? req.url ?? '/';
    const header = req.headers[SECRET_HEADER];
    const secret = checkSecret?.(target, Array.isArray(header) ? header[0] : header);
    const rejection: Rejection =
      secret && !secret.ok
        ? { status: 401, code: 'unauthorized', message: 'the callback secret is missing or wrong', details: [] }
        : { status: known.status, code: known.code, message: known.message(error as Error), details: [] };
    logger.warn({ status: rejection.status, code: rejection.code, reason: rejection.message }, 'IICS callback rejected');
    if (options.onRejected) {
      const headers = { ...req.headers };
      delete headers[SECRET_HEADER];
      const info: CallbackRequestInfo = {
        method: req.method ?? '',
        path: secret?.path ?? splitTarget(target).path,
        headers,
        ...(req.ip === undefined ? {} : { ip: req.ip }),
        raw: req,
      };
      try {
        const result = options.onRejected(rejection, info);
        if (result instanceof Promise) result.catch((e: unknown) => logger.error(errorFields(e), 'onRejected hook failed'));
      } catch (e) {
        logger.error(errorFields(e), 'onRejected hook failed');
      }
    }
    const body: ErrorBody = errorBody(rejection.code, rejection.message, rejection.details);
    send(res, { status: rejection.status, headers: { 'cache-control': 'no-store' }, body });
  };
}
