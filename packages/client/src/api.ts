import { formatIssues, type ParseResult } from '@iics-jobs/schema';
import { apiError, errorFields } from './api-errors.js';
import { IicsAbortedError, IicsAuthError, IicsError, IicsInvalidResponseError } from './errors.js';
import { type HttpRequest, type HttpResponse, type HttpStreamResponse, type HttpTransport, targetOf } from './http.js';
import type { ResolvedOptions } from './options.js';
import { isRetryableRead, isRetryableWrite, withRetry } from './retry.js';
import type { Secrets } from './secrets.js';
import { describeError, type Session, type SessionManager } from './session.js';

/** Where a call goes when it is not below the session's base URL (advanced taskflows), and how it authenticates. */
export interface CallTarget {
  /** False when the headers need no session (basic auth to an explicit host): no login is made for it. */
  needsSession: boolean;
  url(session: Session | undefined): URL;
  headers(session: Session | undefined): Record<string, string>;
}

export interface ApiCall<T> {
  method: 'GET' | 'POST' | 'PUT';
  /**
   * v2 resources take the `icSessionId` header, v3 resources `INFA-SESSION-ID`; "mft" (file ingestion,
   * `/mftsaas/...`) takes `IDS-SESSION-ID` and lives on the POD host without the trailing `/saas`.
   */
  family: 'v2' | 'v3' | 'mft';
  /** The Accept header; default application/json. */
  accept?: string;
  /** Below the session's base URL, e.g. "/api/v2/job". */
  path: string;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  /**
   * "read" is retried on 429, 5xx, network errors and timeouts. "write" (a job start or stop) is
   * retried only when the connection failed before anything was sent: a second start would start
   * the job twice.
   */
  kind: 'read' | 'write';
  /** Validates the answer; without it the body is ignored. */
  parse?: (json: unknown) => ParseResult<T>;
  /** Reads a 2xx answer itself (raw bytes, or JSON that needs its raw text); replaces `parse`. */
  decode?: (res: HttpResponse, operation: string) => T;
  schemaName?: string;
  signal?: AbortSignal;
  /** Instead of the session's base URL and header. */
  target?: CallTarget;
  /** Instead of JSON.parse before `parse`: taskflow answers keep their 20-digit run ids as text. */
  parseText?: (text: string) => unknown;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** Calls one IICS resource with the session header, 401 re-login, retries and validation. */
export class ApiClient {
  readonly #options: ResolvedOptions;
  readonly #http: HttpTransport;
  readonly #sessions: SessionManager;
  readonly #secrets: Secrets;
  /** Origin and path of "base URL + resource path", parsed once: a `new URL` per call cost 2 µs. */
  readonly #targets = new Map<string, { origin: string; path: string }>();

  constructor(options: ResolvedOptions, http: HttpTransport, sessions: SessionManager, secrets: Secrets) {
    this.#options = options;
    this.#http = http;
    this.#sessions = sessions;
    this.#secrets = secrets;
  }

  async call<T>(call: ApiCall<T>): Promise<T> {
    const operation = `${call.method} ${call.path}`;
    const { retry, logger } = this.#options;
    try {
      return await withRetry(() => this.#once(call, operation), {
        policy: retry,
        ...(call.signal ? { signal: call.signal } : {}),
        shouldRetry: (error) => !(error instanceof LoginFailed) && (call.kind === 'read' ? isRetryableRead(error) : isRetryableWrite(error)),
        onRetry: (error, n, delayMs) =>
          logger.warn?.(`${operation} failed; retry ${n} of ${retry.retries} in ${delayMs} ms`, { error: describeError(error) }),
      });
    } catch (caught) {
      const error = caught instanceof LoginFailed ? caught.error : caught;
      // An abort during a back-off surfaces as the signal's own reason.
      if (call.signal?.aborted && !(error instanceof IicsError)) {
        throw new IicsAbortedError(`${operation} was aborted.`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Like `call`, but a 2xx answer's body goes to `onBody` as a stream (a session log of megabytes is
   * never held as bytes). Retried like a read, but only until `onBody` has started: what it passed on
   * cannot be taken back.
   */
  async stream<T>(call: Omit<ApiCall<never>, 'parse' | 'decode' | 'schemaName' | 'body'>, onBody: (res: HttpStreamResponse) => Promise<T>): Promise<T> {
    const operation = `${call.method} ${call.path}`;
    const { retry, logger } = this.#options;
    let started = false;
    const consume = (res: HttpStreamResponse): Promise<T> => {
      started = true;
      return onBody(res);
    };
    try {
      return await withRetry(() => this.#streamOnce(call, operation, consume), {
        policy: retry,
        ...(call.signal ? { signal: call.signal } : {}),
        shouldRetry: (error) => !started && !(error instanceof LoginFailed) && isRetryableRead(error),
        onRetry: (error, n, delayMs) =>
          logger.warn?.(`${operation} failed; retry ${n} of ${retry.retries} in ${delayMs} ms`, { error: describeError(error) }),
      });
    } catch (caught) {
      const error = caught instanceof LoginFailed ? caught.error : caught;
      if (call.signal?.aborted && !(error instanceof IicsError)) throw new IicsAbortedError(`${operation} was aborted.`, { cause: error });
      throw error;
    }
  }

  async #streamOnce<T>(call: ApiCall<never>, operation: string, consume: (res: HttpStreamResponse) => Promise<T>): Promise<T> {
    const open = (session: Session) =>
      this.#http.exchange(this.#request(call, session, operation), async (res): Promise<{ ok: true; value: T } | { ok: false; res: HttpResponse }> =>
        res.status >= 200 && res.status <= 299
          ? { ok: true, value: await consume(res) }
          : { ok: false, res: await res.read() },
      );
    let session = await this.#session(call.signal);
    let answer = await open(session);
    if (!answer.ok && answer.res.status === 401) {
      this.#sessions.invalidate(session);
      session = await this.#session(call.signal);
      answer = await open(session);
      if (!answer.ok && answer.res.status === 401) {
        const { summary, ...fields } = errorFields(answer.res, this.#secrets);
        throw new IicsAuthError(`IICS refused a fresh session for ${operation} (HTTP 401): ${summary}`, fields);
      }
    }
    if (!answer.ok) throw apiError(answer.res, operation, this.#secrets);
    return answer.value;
  }

  async #once<T>(call: ApiCall<T>, operation: string): Promise<T> {
    if (call.target && !call.target.needsSession) {
      const res = await this.#send(call, undefined, operation);
      if (res.status === 401) {
        const { summary, ...fields } = errorFields(res, this.#secrets);
        throw new IicsAuthError(`IICS refused the credentials for ${operation} (HTTP 401): ${summary}`, fields);
      }
      if (res.status < 200 || res.status > 299) throw apiError(res, operation, this.#secrets);
      if (call.decode) return call.decode(res, operation);
      return call.parse ? this.#validate(res, call, operation) : (undefined as T);
    }
    // The session in hand is used without an await: most calls need no login.
    let session = this.#sessions.current ?? (await this.#session(call.signal));
    let res = await this.#send(call, session, operation);
    if (res.status === 401) {
      // A 401 means IICS did not act on the request, so even a job start may be replayed once.
      this.#sessions.invalidate(session);
      session = await this.#session(call.signal);
      res = await this.#send(call, session, operation);
      if (res.status === 401) {
        const { summary, ...fields } = errorFields(res, this.#secrets);
        throw new IicsAuthError(`IICS refused a fresh session for ${operation} (HTTP 401): ${summary}`, fields);
      }
    }
    if (res.status < 200 || res.status > 299) throw apiError(res, operation, this.#secrets);
    if (call.decode) return call.decode(res, operation);
    if (!call.parse) return undefined as T;
    return this.#validate(res, call, operation);
  }

  /** The login has retried on its own already: its failure must not be retried again per call. */
  async #session(signal: AbortSignal | undefined): Promise<Session> {
    try {
      return await this.#sessions.get(signal);
    } catch (error) {
      throw new LoginFailed(error);
    }
  }

  #send(call: ApiCall<unknown>, session: Session | undefined, operation: string): Promise<HttpResponse> {
    return this.#http.send(this.#request(call, session, operation));
  }

  #request(call: ApiCall<unknown>, session: Session | undefined, operation: string): HttpRequest {
    let target: { origin: string; path: string };
    if (call.target) {
      const url = call.target.url(session);
      for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, String(value));
      target = targetOf(url);
    } else {
      const base = call.family === 'mft' ? session!.baseUrl.replace(/\/saas$/i, '') : session?.baseUrl;
      const joined = `${base}${call.path}`;
      let parsed = this.#targets.get(joined);
      if (!parsed) {
        // Paths with ids in them (a run's log) would grow this without end; a few hundred is plenty.
        if (this.#targets.size >= 256) this.#targets.clear();
        parsed = targetOf(new URL(joined));
        this.#targets.set(joined, parsed);
      }
      // The query as `url.searchParams.set` would write it, on a path that has none of its own.
      const query = call.query ? queryString(call.query) : '';
      target = query === '' ? parsed : { origin: parsed.origin, path: `${parsed.path}?${query}` };
    }
    const auth = call.target
      ? call.target.headers(session)
      : call.family === 'v2'
        ? { icSessionId: session!.id }
        : call.family === 'v3'
          ? { 'INFA-SESSION-ID': session!.id }
          : { 'IDS-SESSION-ID': session!.id };
    return {
      method: call.method,
      origin: target.origin,
      path: target.path,
      headers: { ...call.headers, ...auth, ...(call.accept ? { accept: call.accept } : {}) },
      body: call.body,
      timeoutMs: this.#options.timeouts.requestMs,
      operation,
      ...(call.signal ? { signal: call.signal } : {}),
    };
  }

  #validate<T>(res: HttpResponse, call: ApiCall<T>, operation: string): T {
    let json: unknown;
    try {
      json = call.parseText ? call.parseText(res.text) : JSON.parse(res.text);
    } catch {
      const what = res.text.trim() === '' ? 'an empty body' : 'a body that is not JSON';
      throw new IicsInvalidResponseError(`${operation} answered HTTP ${res.status} with ${what}.`, {
        operation,
        status: res.status,
        issues: [{ path: '', message: 'not JSON' }],
      });
    }
    const parsed = call.parse!(json);
    if (parsed.ok) return parsed.value;
    // The messages come from the answer with the secrets taken out first: a message quotes a bad value
    // cut to 40 characters, and a long session id echoed back and cut short would not be recognised.
    const shown = call.parse!(this.#secrets.redactValue(json));
    const issues = (shown.ok ? parsed.errors.map((e) => ({ path: e.path, message: 'invalid value' })) : shown.errors).map((e) => ({
      path: this.#secrets.redact(e.path),
      message: this.#secrets.redact(e.message),
    }));
    throw new IicsInvalidResponseError(
      this.#secrets.redact(`${operation} answered something that is not a valid ${call.schemaName ?? 'answer'}: ${formatIssues(issues)}`),
      { operation, status: res.status, issues },
    );
  }
}

// Characters that application/x-www-form-urlencoded (URLSearchParams) writes as they are.
const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;

/**
 * The query as `URLSearchParams` writes it. Ids, numbers and booleans need no escaping and are
 * joined directly (a URLSearchParams per call cost about 5 µs); anything else goes through it.
 */
function queryString(query: Record<string, string | number | boolean>): string {
  let out = '';
  for (const key in query) {
    if (!Object.hasOwn(query, key)) continue;
    const value = String(query[key]);
    if (!FORM_SAFE.test(key) || !FORM_SAFE.test(value)) return new URLSearchParams(stringValues(query)).toString();
    out += `${out === '' ? '' : '&'}${key}=${value}`;
  }
  return out;
}

function stringValues(query: Record<string, string | number | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in query) if (Object.hasOwn(query, key)) out[key] = String(query[key]);
  return out;
}

class LoginFailed {
  constructor(readonly error: unknown) {}
}

/** A parser for a JSON array whose items `item` parses; issue paths are prefixed with the index. */
export function arrayOf<T>(item: (input: unknown) => ParseResult<T>): (input: unknown) => ParseResult<T[]> {
  return (input) => {
    if (!Array.isArray(input)) return { ok: false, errors: [{ path: '', message: 'expected an array' }] };
    const out: T[] = [];
    for (const [index, element] of input.entries()) {
      const r = item(element);
      if (!r.ok) return { ok: false, errors: r.errors.map((e) => ({ path: `/${index}${e.path}`, message: e.message })) };
      out.push(r.value);
    }
    return { ok: true, value: out };
  };
}
