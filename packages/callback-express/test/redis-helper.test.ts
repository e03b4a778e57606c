import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, onTestFinished, test } from 'vitest';
import { pathWithoutRedis } from './helpers/redis.js';

// `npm test` on a machine without redis-server: the Redis tests are skipped with one line saying how
// to enable them; under CI=true they fail; a redis-server that cannot start says why. Played for real
// by a child vitest whose PATH has no redis-server.

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(createRequire(import.meta.url).resolve('vitest/package.json'), '../vitest.mjs');

function runFixture(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const base: Record<string, string> = {};
  // The parent's CI and REDIS_* must not leak into the child: each case sets its own.
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(CI|REDIS_URL|REDIS_SERVER|VITEST.*)$/.test(k)) base[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vitest, 'run', '--config', 'test/fixtures/vitest.fixture.config.ts'], {
      cwd: packageDir,
      env: { ...base, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('tests that need Redis, on a machine without redis-server on PATH', { timeout: 70_000 }, () => {
  test('outside CI: skipped, with one line saying how to enable them; the run passes', async () => {
    const { code, output } = await runFixture({ PATH: pathWithoutRedis() });
    expect(code, output).toBe(0);
    const lines = output.split('\n').filter((line) => line.includes('SKIPPED'));
    expect(lines).toEqual([
      'SKIPPED "a test that needs Redis" (needs Redis): no redis-server on PATH and REDIS_URL is not set; to run it, install redis-server (e.g. apt-get install redis-server) or set REDIS_URL=redis://127.0.0.1:6379.',
    ]);
    expect(output).toMatch(/1 skipped/);
  });

  test('with CI=true: a failure that says Redis is required and how to provide it', async () => {
    const { code, output } = await runFixture({ PATH: pathWithoutRedis(), CI: 'true' });
    expect(code).toBe(1);
    expect(output).toContain('no redis-server on PATH and REDIS_URL is not set; CI=true requires Redis: install redis-server');
    expect(output).toMatch(/1 failed/);
  });

  test('a redis-server that fails to start: the error gives its stderr and the port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broken-redis-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const broken = join(dir, 'redis-server');
    writeFileSync(broken, '#!/bin/sh\necho "Could not create server TCP listening socket 127.0.0.1:$2: bind: Address already in use" >&2\nexit 1\n');
    chmodSync(broken, 0o755);
    const { code, output } = await runFixture({ PATH: pathWithoutRedis(), REDIS_SERVER: broken });
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`${broken} on port (\\d+) exited at startup \\(1\\): Could not create server TCP listening socket 127\\.0\\.0\\.1:\\1: bind: Address already in use`));
  });
});

describe('with redis-server on PATH', () => {
  test.runIf(process.env.REDIS_URL === undefined && process.env.CI !== 'true')('the same test runs and passes against a real redis-server', { timeout: 70_000 }, async () => {
    const { code, output } = await runFixture({ PATH: process.env.PATH ?? '' });
    if (/SKIPPED/.test(output)) {
      // This machine has no Redis at all: the first describe covers it.
      expect(output).toContain('no redis-server on PATH');
      return;
    }
    expect(code, output).toBe(0);
    expect(output).toMatch(/1 passed/);
  });
});
