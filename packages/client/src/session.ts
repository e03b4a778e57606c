import { parseLoginV2Response, parseLoginV3Response } from '@iics-jobs/schema';
import { raceSignal } from './abort.js';
import { apiError, errorFields } from './api-errors.js';
import { IicsAbortedError, IicsAuthError, IicsClientClosedError, IicsError, IicsInvalidResponseError } from './errors.js';
import { channels, traced } from './diagnostics.js';
import { type HttpResponse, type HttpTransport, targetOf } from './http.js';
import type { ResolvedOptions } from './options.js';
import { isRetryableRead, withRetry } from './retry.js';
import type { Secrets } from './secrets.js';

/** A logged-in session. Internal: the id must not travel further than the request headers. */
export interface Session {
  readonly id: string;
  /** `serverUrl` (v2) or `baseApiUrl` (v3), without a trailing slash; ends in /saas on real PODs. */
  readonly baseUrl: string;
  readonly generation: number;
}

/**
 * Logs in lazily, shares one login among all callers that need a session at the same moment,
 * and drops a session when IICS says it is no longer valid.
 */
export class SessionManager {
  readonly #options: ResolvedOptions;
  readonly #http: HttpTransport;
  readonly #secrets: Secrets;
  #current: Session | undefined;
  #pending: Promise<Session> | undefined;
  #generation = 0;
  readonly #closing = new AbortController();

  constructor(options: ResolvedOptions, http: HttpTransport, secrets: Secrets) {
    this.#options = options;
    this.#http = http;
    this.#secrets = secrets;
    secrets.add(options.password);
  }

  /** The current session, if there is one now (no login, no promise). */
  get current(): Session | undefined {
    return this.#current;
  }

  /** The current session, logging in first if there is none. `signal` only stops this caller's wait. */
  async get(signal?: AbortSignal): Promise<Session> {
    if (this.#current) return this.#current;
    // After close() no new login starts (a call that was in a back-off when the client closed).
    if (this.#closing.signal.aborted) throw new IicsClientClosedError();
    // The login itself is not tied to any one caller's signal: others may be waiting on it.
    const { apiVersion, loginUrl } = this.#options;
    this.#pending ??= traced(channels.login, () => ({ apiVersion, loginOrigin: loginUrl.origin }), () => this.#login(), false).finally(() => {
      this.#pending = undefined;
    });
    try {
      return await raceSignal(this.#pending, signal);
    } catch (error) {
      if (signal?.aborted && error === signal.reason) throw new IicsAbortedError('Aborted while waiting for the IICS login.', { cause: error });
      throw error;
    }
  }

  /** Forget `session` after IICS refused it, unless a newer session already replaced it. */
  invalidate(session: Session): void {
    if (this.#current === session) {
      this.#current = undefined;
      this.#options.logger.info?.('IICS session no longer valid; logging in again', { generation: session.generation });
    }
  }

  async logout(signal?: AbortSignal): Promise<void> {
    if (this.#pending) await this.#pending.catch(() => undefined);
    const session = this.#current;
    if (!session) return;
    this.#current = undefined;
    const v3 = this.#options.apiVersion === 'v3';
    // v3 logout lives on the login host; v2 logout under serverUrl.
    const url = v3 ? new URL('/saas/public/core/v3/logout', this.#options.loginUrl) : new URL(`${session.baseUrl}/api/v2/user/logout`);
    const operation = `POST ${url.pathname}`;
    const res = await this.#http.send({
      method: 'POST',
      ...targetOf(url),
      headers: v3 ? { 'INFA-SESSION-ID': session.id } : { icSessionId: session.id },
      timeoutMs: this.#options.timeouts.requestMs,
      operation,
      ...(signal ? { signal } : {}),
    });
    // 401: the session had already expired, which is what logging out wanted anyway.
    if ((res.status < 200 || res.status > 299) && res.status !== 401) throw apiError(res, operation, this.#secrets);
    this.#options.logger.info?.('Logged out of IICS', { apiVersion: this.#options.apiVersion });
  }

  /** Stops a login in flight (on client close). */
  abort(): void {
    this.#closing.abort();
  }

  async #login(): Promise<Session> {
    const { apiVersion, loginUrl, username, password, logger } = this.#options;
    const v3 = apiVersion === 'v3';
    const url = new URL(v3 ? '/saas/public/core/v3/login' : '/ma/api/v2/user/login', loginUrl);
    const operation = `POST ${url.pathname}`;
    const body = v3 ? { username, password } : { '@type': 'login', username, password };
    logger.debug?.('Logging in to IICS', { apiVersion, loginHost: loginUrl.host, username });

    let res: HttpResponse;
    try {
      res = await this.#retryLogin(url, body, operation);
    } catch (error) {
      // close() aborts the login: in a back-off the sleep rejects with the signal's bare reason (a
      // DOMException), in a request the transport says "aborted" though no caller aborted anything.
      // Every waiting caller sees why instead: the client was closed.
      if (this.#closing.signal.aborted && (!(error instanceof IicsError) || error instanceof IicsAbortedError)) {
        throw new IicsClientClosedError(undefined, { cause: error });
      }
      throw error;
    }

    const session = this.#parse(res, operation, v3);
    this.#secrets.add(session.id);
    this.#current = session;
    logger.info?.('Logged in to IICS', { apiVersion, baseUrl: session.baseUrl, generation: session.generation });
    return session;
  }

  #retryLogin(url: URL, body: unknown, operation: string): Promise<HttpResponse> {
    const { timeouts, retry, logger } = this.#options;
    return withRetry(
      async () => {
        const r = await this.#http.send({ method: 'POST', ...targetOf(url), body, timeoutMs: timeouts.loginMs, operation, signal: this.#closing.signal });
        if (r.status >= 200 && r.status <= 299) return r;
        if (r.status === 400 || r.status === 401 || r.status === 403) throw this.#authError(r);
        throw apiError(r, operation, this.#secrets);
      },
      {
        policy: retry,
        signal: this.#closing.signal,
        shouldRetry: isRetryableRead,
        onRetry: (error, n, delayMs) => logger.warn?.(`Login failed; retry ${n} of ${retry.retries} in ${delayMs} ms`, { error: describeError(error) }),
      },
    );
  }

  #parse(res: HttpResponse, operation: string, v3: boolean): Session {
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw invalid(operation, res.status, '', 'the login answer is not JSON');
    }
    let id: string;
    let base: string;
    if (v3) {
      const parsed = parseLoginV3Response(json);
      // Only paths in the message: a value in a login answer could be the session id itself.
      if (!parsed.ok) throw invalid(operation, res.status, parsed.errors[0]?.path ?? '', pathsOnly(parsed.errors));
      const products = parsed.value.products;
      const product = products.find((p) => p.name === 'Integration Cloud') ?? products[0];
      if (!product) throw invalid(operation, res.status, '/products', 'the login answer lists no product with a baseApiUrl');
      id = parsed.value.userInfo.sessionId;
      base = product.baseApiUrl;
    } else {
      const parsed = parseLoginV2Response(json);
      if (!parsed.ok) throw invalid(operation, res.status, parsed.errors[0]?.path ?? '', pathsOnly(parsed.errors));
      id = parsed.value.icSessionId;
      base = parsed.value.serverUrl;
    }
    if (id === '') throw invalid(operation, res.status, v3 ? '/userInfo/sessionId' : '/icSessionId', 'the session id is empty');
    let baseUrl: URL;
    try {
      baseUrl = new URL(base);
    } catch {
      throw invalid(operation, res.status, v3 ? '/products/0/baseApiUrl' : '/serverUrl', 'the server URL is not a URL');
    }
    if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') {
      throw invalid(operation, res.status, v3 ? '/products/0/baseApiUrl' : '/serverUrl', 'the server URL is not http(s)');
    }
    return { id, baseUrl: baseUrl.href.replace(/\/+$/, ''), generation: ++this.#generation };
  }

  #authError(res: HttpResponse): IicsAuthError {
    const { summary, ...fields } = errorFields(res, this.#secrets);
    return new IicsAuthError(`IICS refused the login for user "${this.#options.username}" (HTTP ${res.status}): ${summary}`, fields);
  }
}

function invalid(operation: string, status: number, path: string, message: string): IicsInvalidResponseError {
  return new IicsInvalidResponseError(`${operation} returned an invalid login answer: ${message}.`, {
    operation,
    status,
    issues: [{ path, message }],
  });
}

function pathsOnly(errors: ReadonlyArray<{ path: string }>): string {
  return `problems at ${errors.map((e) => e.path || '(root)').join(', ')}`;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${(error as { code?: string }).code ?? error.name}: ${error.message}`;
  return String(error);
}
