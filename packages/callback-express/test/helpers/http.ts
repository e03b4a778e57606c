import { type Agent, request } from 'node:http';

export interface SentRequest {
  method?: string;
  /** A body sent as is; a non-string, non-Buffer value is sent as JSON. */
  body?: unknown;
  /** Headers to send. Nothing is added: no Content-Type unless given here. */
  headers?: Record<string, string>;
  /** Send the body in this many pieces with chunked encoding instead of a Content-Length. */
  chunks?: number;
  timeoutMs?: number;
  /** The connection pool; default none (a new connection per request). */
  agent?: Agent | false;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
}

/**
 * One HTTP request with full control over the bytes and headers (fetch would add a Content-Type),
 * bounded by a timeout so that no test can hang on an unanswered request.
 */
export function send(url: string, options: SentRequest = {}): Promise<Answer> {
  const { method = 'POST', headers = {}, timeoutMs = 10_000, chunks, agent = false } = options;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string' || Buffer.isBuffer(options.body)
        ? Buffer.from(options.body as string | Buffer)
        : Buffer.from(JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const outgoing: Record<string, string> = { ...headers };
    if (body !== undefined && chunks === undefined) outgoing['content-length'] = String(body.byteLength);
    const req = request(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers: outgoing, agent },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(parts).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer from ${method} ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (body !== undefined && chunks !== undefined) {
      const size = Math.max(1, Math.ceil(body.byteLength / chunks));
      for (let at = 0; at < body.byteLength; at += size) req.write(body.subarray(at, at + size));
    }
    req.end(body !== undefined && chunks === undefined ? body : undefined);
  });
}

/** POSTs a callback as IICS does: JSON with Content-Type application/json. */
export function postJson(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return send(url, { body: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers } });
}

/** True when an answer body looks like it carries a stack trace. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at\s|\bat .+\(.+:\d+:\d+\)|node:internal|\.ts:\d+:\d+|\.js:\d+:\d+/.test(text);
}
