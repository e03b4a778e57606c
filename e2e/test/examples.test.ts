import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildAll, repoRoot, run } from './helpers.js';

type Testing = typeof import('@iics-jobs/testing');
type Client = typeof import('@iics-jobs/client');
let testing: Testing;
let clientPkg: Client;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  await buildAll();
  testing = await import('@iics-jobs/testing');
  clientPkg = await import('@iics-jobs/client');
}, 180_000);

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function planFile(plan: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'iics-plan-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'plan.json');
  await writeFile(file, JSON.stringify(plan));
  return file;
}

describe('examples/scheduler.mjs', () => {
  async function fakeWith(tasks: Parameters<Testing['startFakeIics']>[0]) {
    const fake = await testing.startFakeIics(tasks);
    cleanups.push(() => fake.close());
    const env = {
      ...process.env,
      IICS_LOGIN_URL: fake.loginUrl,
      IICS_USERNAME: fake.credentials.username,
      IICS_PASSWORD: fake.credentials.password,
      IICS_POLL_INTERVAL_MS: '20',
      IICS_TIMEOUT_MS: '30000',
    };
    return { fake, env };
  }

  test('runs the tasks in order and stops at the first failure (exit 3)', async () => {
    const { fake, env } = await fakeWith({
      timeScale: 0.001,
      tasks: [
        { name: 'MT_Stage', type: 'MTT', durationMs: 5_000 },
        { name: 'MT_Broken', type: 'MTT', durationMs: 5_000, outcome: 'failed' },
        { name: 'MT_Never', type: 'MTT', durationMs: 5_000 },
      ],
    });
    const plan = await planFile([
      { taskName: 'MT_Stage', taskType: 'MTT' },
      { taskName: 'MT_Broken', taskType: 'MTT' },
      { taskName: 'MT_Never', taskType: 'MTT' },
    ]);
    const result = await run(process.execPath, [path.join(repoRoot, 'examples/scheduler.mjs'), plan], { env, timeoutMs: 60_000 });
    expect(result.code, result.stdout + result.stderr).toBe(3);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('1/3 MT_Stage: SUCCESS (run 1)');
    expect(lines[1]).toMatch(/^2\/3 MT_Broken: FAILED \(run 1\) \S/);
    expect(lines[2]).toBe('stopping: 1 task(s) not run');
    expect(fake.runs.map((r) => r.taskName)).toEqual(['MT_Stage', 'MT_Broken']);
  });

  test('a plan that succeeds with a warning exits 1, and runs by path too', async () => {
    const { env } = await fakeWith({
      timeScale: 0.001,
      tasks: [
        { name: 'MT_A', type: 'MTT', durationMs: 2_000 },
        { name: 'LT_B', type: 'WORKFLOW', path: 'Sales/Nightly/LT_B', children: [{ name: 'MT_B1', type: 'MTT', durationMs: 2_000, outcome: 'warning' }] },
      ],
    });
    const plan = await planFile([{ taskName: 'MT_A', taskType: 'MTT' }, { path: 'Sales/Nightly/LT_B', taskType: 'WORKFLOW' }]);
    const result = await run(process.execPath, [path.join(repoRoot, 'examples/scheduler.mjs'), plan], { env, timeoutMs: 60_000 });
    expect(result.stdout.trim().split('\n')).toEqual(['1/2 MT_A: SUCCESS (run 1)', expect.stringMatching(/^2\/2 Sales\/Nightly\/LT_B: WARNING \(run 1\)/)]);
    expect(result.code).toBe(1);
  });

  test('patterns run 3 folders × 4 tasks, IICS_CONCURRENCY at a time; a pattern with no match exits 7', async () => {
    const grid = ['East', 'West', 'North'].flatMap((folder) =>
      [1, 2, 3, 4].map((n) => ({ name: `MT_Load_${n}`, type: 'MTT' as const, path: `Sales/${folder}/MT_Load_${n}`, durationMs: 200_000 })),
    );
    const { fake, env } = await fakeWith({ timeScale: 0.001, tasks: grid });
    const plan = await planFile([{ path: 'Sales/*/MT_Load_?' }]);
    const result = await run(process.execPath, [path.join(repoRoot, 'examples/scheduler.mjs'), plan], { env: { ...env, IICS_CONCURRENCY: '3' }, timeoutMs: 60_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe('1/12 Sales/East/MT_Load_1: SUCCESS (run 1)');
    expect(testing.peakConcurrency(fake.runs).peak).toBe(3);

    const missing = await planFile([{ path: 'Sales/*/MT_Load_1' }, { path: 'Nope/*' }, { path: 'Sales/East/MT_Load_2' }]);
    const refused = await run(process.execPath, [path.join(repoRoot, 'examples/scheduler.mjs'), missing], { env, timeoutMs: 60_000 });
    expect(refused.code, refused.stdout + refused.stderr).toBe(7);
    expect(refused.stdout).toContain('IICS_TASK_NOT_FOUND: No task matches the pattern "Nope/*".');
    expect(refused.stdout.trim().split('\n').at(-1)).toBe('stopping: 1 task(s) not run');
  });
});

describe('examples/express-service.mjs', () => {
  test('starts a job over HTTP and learns its end from the callback, handled once despite duplicate deliveries', async () => {
    const fake = await testing.startFakeIics({ timeScale: 0.001, tasks: [{ name: 'MT_Service', type: 'MTT', durationMs: 10_000 }] });
    cleanups.push(() => fake.close());
    fake.faults.duplicateCallbacks(3, 'concurrent');
    // @ts-expect-error the example is plain JavaScript
    const { createService } = (await import('../../examples/express-service.mjs')) as {
      createService: (o: Record<string, unknown>) => import('express').Express;
    };
    const client = clientPkg.createIicsClient({ loginUrl: fake.loginUrl, ...fake.credentials });
    const ended: unknown[] = [];
    // Listen first: the service builds callbackURLs from its public base, which needs the port.
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('request', createService({ client, publicBaseUrl: base, secret: 's3cret-for-test', onJobEnded: (cb: unknown) => ended.push(cb) }));

    const startAnswer = await fetch(`${base}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ taskName: 'MT_Service', taskType: 'MTT' }),
    });
    expect(startAnswer.status).toBe(202);
    const started = (await startAnswer.json()) as { taskId: string; runId: number; statusUrl: string };
    expect(started.runId).toBe(1);

    await fake.waitForRun(started.taskId, started.runId);
    await fake.waitForCallbacks();
    const status = (await (await fetch(`${base}${started.statusUrl}`)).json()) as { state: string };
    expect(status.state).toBe('COMPLETED');
    expect(ended).toHaveLength(1);
    const run = fake.runs.find((r) => r.runId === started.runId)!;
    expect(run.callbackDeliveries.length).toBeGreaterThanOrEqual(4);

    const unknown = await fetch(`${base}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ taskName: 'NoSuchTask', taskType: 'MTT' }),
    });
    expect([400, 502]).toContain(unknown.status);
    await client.logout();
  });
});
