import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatIssues, parseV2Error, parseV3Error, type ParseResult } from '@iics-jobs/schema';
import { expect } from 'vitest';
import type { FakeIics } from '../src/index.js';

export interface Answer {
  status: number;
  body: any;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as-is (no JSON encoding). */
  rawBody?: string;
  session?: string;
  /** Which header carries the session: v2 icSessionId (default) or v3 INFA-SESSION-ID. */
  sessionHeader?: 'icSessionId' | 'INFA-SESSION-ID';
  headers?: Record<string, string>;
}

/** One HTTP request to the fake, with a timeout so that no test can hang on it. */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.session !== undefined) headers[options.sessionHeader ?? 'icSessionId'] = options.session;
  const response = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

/** Logs in with v2 and returns the session id and server URL. */
export async function loginV2(fake: FakeIics): Promise<{ session: string; serverUrl: string }> {
  const answer = await call(fake.loginUrl, 'POST', '/ma/api/v2/user/login', { body: { '@type': 'login', ...fake.credentials } });
  expect(answer.status).toBe(200);
  return { session: answer.body.icSessionId, serverUrl: answer.body.serverUrl };
}

/** Asserts that `body` passes the schema parser, showing the issues if not. */
export function expectValid(parse: (input: unknown) => ParseResult<unknown>, body: unknown): void {
  const result = parse(body);
  expect(result.ok ? 'valid' : formatIssues(result.errors)).toBe('valid');
}

export function expectV2Error(answer: Answer, status: number, code?: string): void {
  expect(answer.status).toBe(status);
  expectValid(parseV2Error, answer.body);
  expect(answer.body['@type']).toBe('error');
  expect(answer.body.statusCode).toBe(status);
  if (code) expect(answer.body.code).toBe(code);
}

export function expectV3Error(answer: Answer, status: number, code?: string): void {
  expect(answer.status).toBe(status);
  expectValid(parseV3Error, answer.body);
  if (code) expect(answer.body.error.code).toBe(code);
}

export interface Receiver {
  url: string;
  received: Array<{ at: number; body: any; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** A callback receiver on 127.0.0.1 that answers with `status(request)` (default 200). */
export async function startReceiver(status: (body: any) => number | Promise<number> = () => 200, now: () => number = Date.now): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text === '' ? undefined : JSON.parse(text);
      received.push({ at: now(), body, headers: req.headers });
      Promise.resolve(status(body)).then((code) => {
        res.writeHead(code, { 'content-type': 'text/plain' });
        res.end(String(code));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/iics/callback`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Waits for `condition` with a bounded number of short real sleeps. */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
