import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { createIicsClient, IicsAbortedError, IicsInvalidResponseError, IicsTimeoutError } from '../src/index.js';

// The answer body is read from undici's stream with 'data' events: a body past the limit is refused
// and its connection dropped; one split in many chunks (a multi-byte character across two) is whole.
const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('reading an answer', () => {
  test('an answer larger than 32 MB is refused with IicsInvalidResponseError, not buffered whole', async () => {
    let written = 0;
    const loginUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = (): void => {
        while (written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    });
    const client = createIicsClient({ loginUrl, username: 'u', password: 'p' });
    try {
      const error = await client.jobs.status({ taskId: 't', runId: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IicsInvalidResponseError);
      expect((error as Error).message).toMatch(/answered more than 33554432 bytes/);
      expect(written).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await client.close();
    }
  });

  test('an answer in many small chunks, one splitting a multi-byte character, is read whole', async () => {
    const text = JSON.stringify({ '@type': 'error', code: 'AUTH_01', description: 'Ungültige Anmeldedaten: é€', statusCode: 401 });
    const bytes = Buffer.from(text, 'utf8');
    const loginUrl = await serve(async (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      for (let i = 0; i < bytes.length; i += 7) {
        res.write(bytes.subarray(i, i + 7));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      res.end();
    });
    const client = createIicsClient({ loginUrl, username: 'u', password: 'p' });
    try {
      const error = await client.jobs.status({ taskId: 't', runId: 1 }).catch((e: unknown) => e);
      expect((error as Error).message).toContain('Ungültige Anmeldedaten: é€');
    } finally {
      await client.close();
    }
  });

  // timeouts.requestMs runs "from sending to the last byte": an answer whose headers came in time but
  // whose body trickles on past it is cut off, and so is one the caller's signal aborts mid-body.
  async function trickling(): Promise<{ loginUrl: string; stop: () => void }> {
    const timers = new Set<NodeJS.Timeout>();
    const loginUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"icSessionId": "');
      const tick = setInterval(() => res.write('a'), 10);
      timers.add(tick);
      res.on('close', () => clearInterval(tick));
    });
    return { loginUrl, stop: () => timers.forEach((t) => clearInterval(t)) };
  }

  test('a body still arriving at timeouts.requestMs ends the request with IICS_TIMEOUT', async () => {
    const { loginUrl, stop } = await trickling();
    const client = createIicsClient({ loginUrl, username: 'u', password: 'p', timeouts: { loginMs: 150 }, retry: { retries: 0 } });
    try {
      const started = Date.now();
      const error = await client.jobs.status({ taskId: 't', runId: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IicsTimeoutError);
      expect(error).toMatchObject({ code: 'IICS_TIMEOUT', timeoutMs: 150, operation: 'POST /ma/api/v2/user/login' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      stop();
      await client.close();
    }
  });

  test("the caller's signal aborts a request whose body is still arriving", async () => {
    const { loginUrl, stop } = await trickling();
    const client = createIicsClient({ loginUrl, username: 'u', password: 'p', retry: { retries: 0 } });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const error = await client.jobs.status({ taskId: 't', runId: 1 }, { signal: controller.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IicsAbortedError);
    } finally {
      stop();
      await client.close();
    }
  });
});
