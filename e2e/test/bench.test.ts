import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildAll, repoRoot, run } from './helpers.js';
import { pathWithoutRedis, redisAvailability } from './redis.js';

// Keeps `npm run bench` working: the quick version runs once. Times are never asserted (shared machine).
describe('npm run bench -- --quick', () => {
  let dir: string;
  beforeAll(async () => {
    await buildAll();
    dir = await mkdtemp(path.join(os.tmpdir(), 'iics-bench-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('runs the six benchmarks, prints the table and writes numeric results', { timeout: 180_000 }, async () => {
    const out = path.join(dir, 'results.json');
    const result = await run(process.execPath, [path.join(repoRoot, 'bench/run.mjs'), '--quick', '--out', out], { timeoutMs: 170_000 });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);

    const tableRows = result.stdout.split('\n').filter((line) => /^\| [1-6] \|/.test(line));
    for (const bench of ['1', '2', '3', '4', '5', '6']) {
      expect(tableRows.some((line) => line.startsWith(`| ${bench} |`)), `no row for benchmark ${bench}:\n${result.stdout}`).toBe(true);
    }
    expect(result.stdout).toMatch(/\| # \| what +\| +ours \| +baseline \| ratio \| +min-max \| CPU ours \/ baseline +\| target +\|\n/);
    // A smoke run gives no verdicts: no met? column, no count of targets met.
    expect(result.stdout).not.toMatch(/met\?|targets met/);
    expect(result.stdout).toMatch(/receiver req\/s: \(b\) ours\+MemoryStore \/ \(a\) bare express\.json\(\)/);
    expect(result.stdout).toMatch(/validate callback ops\/s: ours \(TypeCompiler\) \/ Ajv compiled/);
    expect(result.stdout).toMatch(/client: \d+ jobs\.status ms \/ bare undici\.request/);
    expect(result.stdout).toMatch(/benchmark 4 check: every callback processed exactly once, no failed start/);
    expect(result.stdout).toMatch(/receiver req\/s: \(b\) ours\+MemoryStore \/ \(e\) @octokit\/webhooks/);
    expect(result.stdout).toMatch(/memory: heap MB, MemoryStore with 100,000 done keys/);
    expect(result.stdout).toMatch(/wait latency after the job's end, median \(callback-wait vs polling every 1 s\)/);
    expect(result.stdout).toMatch(/wait: \(a\) 6 \+ 6 jobs of 1-4 s in real time, .*\(b\) 6 \+ 6 jobs of 2-6 min at 200x; \d+ of 12 callback-waits ended by their callback/);

    const json = JSON.parse(await readFile(out, 'utf8')) as {
      quick: boolean;
      rows: Array<{ bench: string; what: string; ours: unknown; baseline: unknown; ratio: unknown; met: unknown; skipped?: string }>;
      benchmarks: Record<string, unknown>;
      problems: string[];
      skipped: string[];
    };
    expect(json.quick).toBe(true);
    expect(json.problems).toEqual([]);
    expect(Object.keys(json.benchmarks).sort()).toEqual(['client', 'memory', 'receiver', 'scale', 'validation', 'wait']);
    expect(new Set(json.rows.map((row) => row.bench))).toEqual(new Set(['1', '2', '3', '4', '5', '6']));
    expect(json.rows).toHaveLength(tableRows.length);

    // Without Redis (outside CI; under CI=true the run above exits 1) the RedisStore row is skipped, saying why.
    const redisRow = json.rows.find((row) => row.what.includes('(c) ours+RedisStore'))!;
    expect(redisRow).toBeDefined();
    if (redisAvailability().ok) {
      expect(json.skipped).toEqual([]);
      expect(redisRow.skipped).toBeUndefined();
    } else {
      expect(redisRow).toMatchObject({ met: null, ours: null, baseline: null, ratio: null });
      expect(redisRow.skipped).toMatch(/no redis-server on PATH and REDIS_URL is not set; install redis-server .* or set REDIS_URL/);
      expect(tableRows.find((line) => line.includes('(c) ours+RedisStore'))).toMatch(/: SKIPPED +\| +- \| +- \| +- \| +- \| +- +\| - +\|$/);
      expect(result.stdout).toMatch(/^skipped: 1 \(c\) ours, RedisStore: no redis-server on PATH/m);
    }
    for (const row of json.rows.filter((r) => r !== redisRow || !r.skipped)) {
      for (const figure of [row.ours, row.baseline, row.ratio]) {
        expect(typeof figure === 'number' && Number.isFinite(figure) && figure > 0, JSON.stringify(row)).toBe(true);
      }
      expect(row.met).toBeNull();
    }
  });
});

// A machine without redis-server, played by a PATH without it: the receiver benchmark alone, quick.
describe('npm run bench -- --only 1 on a machine without redis-server', () => {
  beforeAll(async () => {
    await buildAll();
  });
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
    const { CI: _ci, REDIS_URL: _url, REDIS_SERVER: _server, ...rest } = process.env;
    return { ...rest, PATH: pathWithoutRedis(), ...extra };
  };
  const bench = (extra: Record<string, string>, out: string) =>
    run(process.execPath, [path.join(repoRoot, 'bench/run.mjs'), '--quick', '--only', '1', '--no-build', '--out', out], { env: env(extra), timeoutMs: 85_000 });

  test('outside CI: the RedisStore row is skipped with the reason, the others measured, exit 0', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'iics-bench-noredis-'));
    try {
      const result = await bench({}, path.join(dir, 'r.json'));
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/^\| 1 \| receiver req\/s: \(c\) ours\+RedisStore \/ \(a\) bare express\.json\(\): SKIPPED +\| +- \| +- \| +- \| +- \| +- +\| - +\|$/m);
      expect(result.stdout).toMatch(/^skipped: 1 \(c\) ours, RedisStore: no redis-server on PATH and REDIS_URL is not set; install redis-server/m);
      expect(result.stdout).toMatch(/^\| 1 \| receiver req\/s: \(b\) ours\+MemoryStore \/ \(a\) bare express\.json\(\) +\| +[\d,.]+ req\/s/m);
      expect(result.stdout).not.toMatch(/^problem:/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('with CI=true: a failure naming what is missing, exit 1', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'iics-bench-noredis-ci-'));
    try {
      const result = await bench({ CI: 'true' }, path.join(dir, 'r.json'));
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^problem: benchmark 1 \(receiver\) failed: Error: no redis-server on PATH and REDIS_URL is not set; install redis-server .*\(CI=true requires Redis\)/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
