import { MockAgent, type Interceptable } from 'undici';
import { createIicsClient, type IicsClient, type IicsClientOptions } from '../../src/index.js';

export const LOGIN_ORIGIN = 'https://dm-us.mock.test';
export const POD_ORIGIN = 'https://na1.dm-us.mock.test';
export const PASSWORD = 'Pa55-w0rd-never-shown';
export const SESSION_1 = 'SESSION1aaaaaaaaaaaaaaaa';
export const SESSION_2 = 'SESSION2bbbbbbbbbbbbbbbb';

/** What an intercepted request looked like, for assertions. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface MockIics {
  agent: MockAgent;
  login: Interceptable;
  pod: Interceptable;
  seen: SeenRequest[];
  logs: string[];
  client(options?: Partial<IicsClientOptions>): IicsClient;
  /** Answers the next v2 login with this session id. */
  allowLogin(sessionId?: string, times?: number): void;
  /** Replies to the next request on `path` (exact path incl. query, or a prefix ending in *). */
  on(method: string, path: string, status: number, body: unknown, headers?: Record<string, string>): void;
}

export function headerValue(headers: unknown, name: string): string | undefined {
  const lower = name.toLowerCase();
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(lower) ?? undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) if (String(headers[i]).toLowerCase() === lower) return String(headers[i + 1]);
    return undefined;
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (k.toLowerCase() === lower) return String(v);
  return undefined;
}

function normalise(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)) {
    (headers as Headers).forEach((v, k) => (out[k.toLowerCase()] = v));
    return out;
  }
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) out[String(headers[i]).toLowerCase()] = String(headers[i + 1]);
    return out;
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) out[k.toLowerCase()] = String(v);
  return out;
}

export function mockIics(): MockIics {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const login = agent.get(LOGIN_ORIGIN);
  const pod = agent.get(POD_ORIGIN);
  const seen: SeenRequest[] = [];
  const logs: string[] = [];
  const record = (opts: { method: string; path: string; headers?: unknown; body?: unknown }): void => {
    let body: unknown = opts.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        /* keep text */
      }
    }
    seen.push({ method: opts.method, path: opts.path, headers: normalise(opts.headers), body });
  };
  const logger = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [
      level,
      (message: string, fields?: Record<string, unknown>) => logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`),
    ]),
  );

  return {
    agent,
    login,
    pod,
    seen,
    logs,
    client: (options = {}) =>
      createIicsClient({
        loginUrl: LOGIN_ORIGIN,
        username: 'jdoe@example.com',
        password: PASSWORD,
        dispatcher: agent,
        retry: { minDelayMs: 1, maxDelayMs: 5 },
        logger,
        ...options,
      }),
    allowLogin: (sessionId = SESSION_1, times = 1) => {
      login
        .intercept({ path: '/ma/api/v2/user/login', method: 'POST' })
        .reply((opts) => {
          record(opts as never);
          return { statusCode: 200, data: { icSessionId: sessionId, serverUrl: `${POD_ORIGIN}/saas`, orgId: '015ZHE' } };
        })
        .times(times);
    },
    on: (method, path, status, body, headers = {}) => {
      const matcher = path.endsWith('*') ? (p: string) => p.startsWith(path.slice(0, -1)) : path;
      const pool = path.startsWith('/ma/') || path.startsWith('/saas/public/core/v3/log') ? login : pod;
      pool.intercept({ path: matcher, method }).reply((opts) => {
        record(opts as never);
        return {
          statusCode: status,
          data: typeof body === 'string' ? body : JSON.stringify(body),
          responseOptions: { headers: { 'content-type': 'application/json', ...headers } },
        };
      });
    },
  };
}
