import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import { ROUTES } from '../faults.js';
import type { FakeFaults, FakeRoute, RecordedRequest } from '../types.js';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page.js';
import { snapshot, type DashboardSources } from './snapshot.js';

/** Where the dashboard lives on the login origin. */
export const DASHBOARD_PREFIX = '/_fake/';
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const PUSH_EVERY_MS = 200;
const MAX_API_BODY = 16 * 1024;

class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The fake's live page and its JSON API (`/_fake/api/...`). Nothing is serialised unless an SSE
 * client is connected: then a snapshot is built every 200 ms and sent when it changed.
 */
export class Dashboard {
  private readonly clients = new Set<http.ServerResponse>();
  private readonly started = new WeakMap<RecordedRequest, number>();
  private readonly latencies = new WeakMap<RecordedRequest, number>();
  private timer: NodeJS.Timeout | undefined;
  private last = '';

  constructor(
    private readonly sources: Omit<DashboardSources, 'latencyOf'>,
    private readonly faults: FakeFaults,
  ) {}

  /** Notes when a recorded request's answer ends, for its latency. */
  observe(record: RecordedRequest, res: http.ServerResponse): void {
    this.started.set(record, performance.now());
    res.once('finish', () => {
      const start = this.started.get(record);
      if (start !== undefined) this.latencies.set(record, Math.round((performance.now() - start) * 10) / 10);
    });
  }

  state() {
    return snapshot({ ...this.sources, latencyOf: (record) => this.latencies.get(record) });
  }

  /** Answers a request to /_fake/...; false when the path is not the dashboard's. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0]!;
    if (path !== '/_fake' && !path.startsWith(DASHBOARD_PREFIX)) return false;
    this.route(req, res, path).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: (error as Error).message } });
      else res.destroy();
    });
    return true;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && (path === '/_fake' || path === '/_fake/' || path === '/_fake/index.html')) return asset(res, 'text/html; charset=utf-8', PAGE_HTML);
    if (method === 'GET' && path === '/_fake/app.js') return asset(res, 'text/javascript; charset=utf-8', PAGE_JS);
    if (method === 'GET' && path === '/_fake/app.css') return asset(res, 'text/css; charset=utf-8', PAGE_CSS);
    if (method === 'GET' && path === '/_fake/api/state') return json(res, 200, this.state());
    if (method === 'GET' && path === '/_fake/api/events') return this.subscribe(req, res);
    const fault = FAULTS[path.slice('/_fake/api/faults/'.length)];
    if (path.startsWith('/_fake/api/faults/') && fault) {
      if (method !== 'POST') return json(res, 405, { error: { message: `${path} takes POST` } });
      let body: Record<string, unknown>;
      try {
        body = await readJson(req);
        fault(this.faults, body);
      } catch (error) {
        if (error instanceof FieldError) return json(res, 400, { error: { field: error.field, message: error.message } });
        throw error;
      }
      this.push();
      return json(res, 200, { ok: true, faults: this.sources.faults.pending() });
    }
    json(res, 404, { error: { message: `No dashboard resource at ${path.slice(0, 200)}.` } });
  }

  private subscribe(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    const text = JSON.stringify(this.state());
    res.write(`retry: 1000\nevent: state\ndata: ${text}\n\n`);
    this.clients.add(res);
    req.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
        this.last = '';
      }
    });
    this.last = text;
    if (!this.timer) {
      this.timer = setInterval(() => this.push(), PUSH_EVERY_MS);
      this.timer.unref();
    }
  }

  /** Sends the state to every SSE client when it changed since the last push. */
  private push(): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(this.state());
    if (text === this.last) return;
    this.last = text;
    for (const client of this.clients) client.write(`event: state\ndata: ${text}\n\n`);
  }
}

type FaultHandler = (faults: FakeFaults, body: Record<string, unknown>) => void;

const FAULTS: Record<string, FaultHandler | undefined> = {
  'fail-next': (faults, body) => faults.failNext(route(body), count(body, 'count'), body.status === undefined ? 503 : status(body)),
  'drop-next': (faults, body) => faults.dropNext(route(body), count(body, 'count')),
  latency: (faults, body) => {
    const unit = body.unit ?? 'real';
    if (unit !== 'real' && unit !== 'fake') throw new FieldError('unit', 'unit must be "real" or "fake"');
    if (typeof body.ms !== 'number' || !Number.isFinite(body.ms) || body.ms < 0) throw new FieldError('ms', 'ms must be a number >= 0');
    faults.latency(route(body), body.ms, unit);
  },
  'expire-sessions': (faults) => faults.expireSessions(),
  'duplicate-callbacks': (faults, body) => {
    const mode = body.mode ?? 'sequential';
    if (mode !== 'sequential' && mode !== 'concurrent') throw new FieldError('mode', 'mode must be "sequential" or "concurrent"');
    faults.duplicateCallbacks(count(body, 'extra'), mode);
  },
  reset: (faults) => faults.reset(),
};

function route(body: Record<string, unknown>): FakeRoute {
  if (typeof body.route !== 'string' || !ROUTES.includes(body.route as FakeRoute)) throw new FieldError('route', `route must be one of ${ROUTES.join(', ')}`);
  return body.route as FakeRoute;
}

function count(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000) throw new FieldError(field, `${field} must be an integer from 0 to 1000000`);
  return value;
}

function status(body: Record<string, unknown>): number {
  const value = body.status;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 400 || value > 599) throw new FieldError('status', 'status must be an HTTP error status (400-599)');
  return value;
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_API_BODY) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_API_BODY) return reject(new FieldError('body', `the body must be at most ${MAX_API_BODY} bytes`));
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return reject(new FieldError('body', 'the body is not valid JSON'));
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return reject(new FieldError('body', 'the body must be a JSON object'));
      resolve(value as Record<string, unknown>);
    });
  });
}

function json(res: http.ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function asset(res: http.ServerResponse, type: string, text: string): void {
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(text), 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(text);
}
