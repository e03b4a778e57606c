import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  url: string;
  host: string;
  port: number;
}

type Availability = { ok: true; url: string } | { ok: true; binary: string } | { ok: false; reason: string };

/** How to get these tests to run, in the one line a skip prints. */
export const HOW_TO_ENABLE = 'install redis-server (e.g. apt-get install redis-server) or set REDIS_URL=redis://127.0.0.1:6379';

// Only PATH (or REDIS_SERVER, a path to the binary) is searched: no fixed location, so that a
// machine without Redis can be played by a PATH without it.
function findRedis(): Availability {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { ok: true, url: fromEnv };
  return findRedisBinary();
}

function findRedisBinary(): Availability {
  const candidates = [process.env.REDIS_SERVER, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'redis-server'))];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return { ok: true, binary: candidate };
    } catch {
      // Not there; try the next place.
    }
  }
  return { ok: false, reason: 'no redis-server on PATH and REDIS_URL is not set' };
}

/** Whether the Redis tests can run here (REDIS_URL, or a redis-server on PATH), and if not, why. */
export function redisAvailability(): { ok: true } | { ok: false; reason: string } {
  const found = findRedis();
  return found.ok ? { ok: true } : found;
}

/**
 * A describe block whose tests get a real Redis: REDIS_URL when set, else a redis-server started on a
 * free port with a temporary directory and no persistence, stopped after the block. Without either,
 * the block is skipped with a loud warning, except under CI=true, where it fails.
 */
export function describeWithRedis(name: string, body: (redis: () => RedisServer) => void): void {
  const found = findRedis();
  if (!found.ok) {
    if (process.env.CI === 'true') {
      describe(name, () => {
        test('has a Redis to test against', () => {
          throw new Error(`${found.reason}; CI=true requires Redis: ${HOW_TO_ENABLE}.`);
        });
      });
      return;
    }
    console.warn(`SKIPPED "${name}" (needs Redis): ${found.reason}; to run it, ${HOW_TO_ENABLE}.`);
    describe.skip(name, () => body(() => {
      throw new Error('no Redis');
    }));
    return;
  }
  describe(name, () => {
    let server: RedisServer | undefined;
    let stop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      if ('url' in found) {
        const url = new URL(found.url);
        server = { url: found.url, host: url.hostname, port: Number(url.port || 6379) };
      } else {
        const started = await startRedisServer(found.binary);
        server = started.server;
        stop = started.stop;
      }
    });
    afterAll(async () => {
      await stop?.();
    });
    body(() => {
      if (!server) throw new Error('Redis is not started yet: use it inside a test or a hook');
      return server;
    });
  });
}

/**
 * A PATH with every program of this one except redis-*: a directory of symlinks, made once per
 * process, for tests of what happens on a machine without Redis.
 */
let withoutRedis: string | undefined;
export function pathWithoutRedis(): string {
  if (withoutRedis) return withoutRedis;
  const dir = mkdtempSync(join(tmpdir(), 'path-without-redis-'));
  for (const from of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    let names: string[];
    try {
      names = readdirSync(from);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.startsWith('redis-')) continue;
      try {
        symlinkSync(join(from, name), join(dir, name));
      } catch {
        // The same name earlier on PATH wins, as it would in a shell.
      }
    }
  }
  withoutRedis = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port nothing listens on at the moment of asking (on 127.0.0.1). */
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

function ping(port: number): Promise<boolean> {
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

async function startRedisServer(binary: string, fixedPort?: number): Promise<{ server: RedisServer; stop: () => Promise<void>; child: ChildProcess }> {
  // Another process can take the free port between probe and bind: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = fixedPort ?? (await freePort());
    const dir = mkdtempSync(join(tmpdir(), 'callback-express-redis-'));
    const child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // A binary that cannot be run (permissions, a broken file) is an 'error' event, not an exit.
    let spawnError: Error | undefined;
    child.once('error', (error) => {
      spawnError = error;
    });
    const stop = async (): Promise<void> => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      await waitReady(child, binary, port, () => (spawnError ? `${spawnError.message}\n` : '') + stderr);
      return { server: { url: `redis://127.0.0.1:${port}`, host: '127.0.0.1', port }, stop, child };
    } catch (error) {
      lastError = error;
      await stop();
    }
  }
  throw lastError;
}

async function waitReady(child: ChildProcess, binary: string, port: number, stderr: () => string): Promise<void> {
  const giveUpAt = Date.now() + 5_000;
  const why = (): string => stderr().trim() || '(it wrote nothing on stderr)';
  while (Date.now() < giveUpAt) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${binary} on port ${port} exited at startup (${child.exitCode ?? child.signalCode}): ${why()}`);
    }
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${binary} on port ${port} did not answer PING within 5 s: ${why()}`);
}

/** Sends `signal` (SIGTERM by default), then SIGKILL after 3 s; resolves once the process has exited. */
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

/** A redis-server of a test's own, which the test may kill and start again on the same port. */
export interface KillableRedis extends RedisServer {
  /** SIGKILL: the server is gone at once, as in a crash. */
  kill(): Promise<void>;
  /** A fresh, empty server on the same port. */
  restart(): Promise<void>;
}

/**
 * Like `describeWithRedis`, for tests that kill Redis: they always get a redis-server started for
 * the block (REDIS_URL is not used, since nobody may kill a shared one). The same rule holds when
 * there is no redis-server binary: skipped with a warning, a failure under CI=true.
 */
export function describeWithKillableRedis(name: string, body: (redis: () => KillableRedis) => void): void {
  const found = findRedisBinary();
  if (!found.ok || !('binary' in found)) {
    const reason = found.ok ? 'no redis-server binary' : found.reason;
    if (process.env.CI === 'true') {
      describe(name, () => {
        test('has a redis-server to kill', () => {
          throw new Error(`${reason}; CI=true requires redis-server: install it (e.g. apt-get install redis-server).`);
        });
      });
      return;
    }
    console.warn(`SKIPPED "${name}" (needs redis-server): ${reason}; these tests kill Redis, so REDIS_URL cannot stand in: install redis-server (e.g. apt-get install redis-server).`);
    describe.skip(name, () => body(() => {
      throw new Error('no redis-server');
    }));
    return;
  }
  describe(name, () => {
    let current: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    let server: KillableRedis | undefined;
    beforeAll(async () => {
      current = await startRedisServer(found.binary);
      const { port } = current.server;
      server = {
        ...current.server,
        kill: async () => {
          if (current) await stopProcess(current.child, 'SIGKILL');
        },
        restart: async () => {
          await current?.stop();
          current = await startRedisServer(found.binary, port);
        },
      };
    });
    afterAll(async () => {
      await current?.stop();
    });
    body(() => {
      if (!server) throw new Error('Redis is not started yet: use it inside a test or a hook');
      return server;
    });
  });
}
