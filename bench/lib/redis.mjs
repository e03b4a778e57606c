// A throwaway redis-server for the RedisStore benchmark, or the one REDIS_URL names.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './stats.mjs';

export const HOW_TO_ENABLE = 'install redis-server (e.g. apt-get install redis-server) or set REDIS_URL=redis://127.0.0.1:6379';

/** No Redis to benchmark against: outside CI the Redis rows are skipped with this reason; under CI=true it is a failure. */
export class RedisUnavailableError extends Error {
  name = 'RedisUnavailableError';
}

/** redis-server from REDIS_SERVER or PATH; undefined when there is none. */
export function findRedisServer() {
  const candidates = [process.env.REDIS_SERVER, ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'redis-server'))];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there; try the next place.
    }
  }
  return undefined;
}

export async function startRedis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, external: true, stop: async () => {} };
  const binary = findRedisServer();
  if (!binary) {
    const reason = `no redis-server on PATH and REDIS_URL is not set; ${HOW_TO_ENABLE}`;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI=true requires Redis)`);
    throw new RedisUnavailableError(reason);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'iics-bench-redis-'));
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('close', resolve));
  let spawnError;
  child.once('error', (error) => (spawnError = error));
  const why = () => `${spawnError ? `${spawnError.message}; ` : ''}${stderr.trim() || '(it wrote nothing on stderr)'}`;

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${binary} on port ${port} exited at startup (${child.exitCode ?? child.signalCode ?? 'not started'}): ${why()}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${binary} on port ${port} did not accept connections within 10 s: ${why()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    external: false,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}
