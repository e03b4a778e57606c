import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';

export interface Redis {
  /** redis://127.0.0.1:<port> */
  url: string;
  host: string;
  port: number;
}

type Found = { kind: 'url'; url: string } | { kind: 'binary'; path: string } | { kind: 'none'; reason: string };

function findRedis(): Found {
  if (process.env.REDIS_URL) return { kind: 'url', url: process.env.REDIS_URL };
  for (const path of [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (!path) continue;
    try {
      accessSync(path, constants.X_OK);
      return { kind: 'binary', path };
    } catch {
      // Not here.
    }
  }
  return { kind: 'none', reason: 'REDIS_URL is not set and there is no redis-server in /usr/bin or /usr/local/bin' };
}

/**
 * A describe block with a real Redis for its tests: REDIS_URL when set, else a throwaway
 * redis-server (free port, temporary directory, no persistence) stopped after the block.
 * Without Redis the block is skipped with a loud warning, or fails when CI=true.
 */
export function describeWithRedis(name: string, body: (redis: () => Redis) => void): void {
  const found = findRedis();
  if (found.kind === 'none') {
    if (process.env.CI === 'true') {
      describe(name, () => {
        test('has a Redis', () => {
          throw new Error(`${found.reason}; CI=true needs one (install redis-server or set REDIS_URL)`);
        });
      });
      return;
    }
    console.warn(`\n${'#'.repeat(72)}\n# SKIPPED "${name}": ${found.reason}.\n${'#'.repeat(72)}\n`);
    describe.skip(name, () => body(() => ({ url: '', host: '', port: 0 })));
    return;
  }
  describe(name, () => {
    let redis: Redis | undefined;
    let stop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      if (found.kind === 'url') {
        const url = new URL(found.url);
        redis = { url: found.url, host: url.hostname, port: Number(url.port || 6379) };
      } else {
        const started = await startRedisServer(found.path);
        redis = started.redis;
        stop = started.stop;
      }
    }, 30_000);
    afterAll(async () => {
      await stop?.();
    });
    body(() => {
      if (!redis) throw new Error('Redis is not started yet: use it inside a test or hook');
      return redis;
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function startRedisServer(binary: string): Promise<{ redis: Redis; stop: () => Promise<void> }> {
  let lastError: unknown;
  // The port can be taken between the probe and redis-server's bind: a few tries.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'iics-e2e-redis-'));
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const stop = async (): Promise<void> => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      const giveUpAt = Date.now() + 5_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${stderr}`);
        if (await answersPing(port)) break;
        if (Date.now() > giveUpAt) throw new Error(`redis-server did not answer PING on ${port} within 5 s: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return { redis: { url: `redis://127.0.0.1:${port}`, host: '127.0.0.1', port }, stop };
    } catch (error) {
      lastError = error;
      await stop();
    }
  }
  throw lastError;
}

/** SIGTERM, then SIGKILL after 3 s; resolves once the process has exited. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
