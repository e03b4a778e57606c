import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot, run } from './helpers.js';

describe('npm run demo', () => {
  test('runs a mapping task and a linear taskflow against the fake IICS; each wait ends on its callback after one status request; exits 0', async () => {
    const env = { ...process.env };
    for (const name of ['IICS_LOGIN_URL', 'IICS_USERNAME', 'IICS_PASSWORD']) delete env[name];
    const t0 = Date.now();
    const result = await run(process.execPath, [path.join(repoRoot, 'scripts/demo.mjs')], { env, timeoutMs: 90_000 });
    const out = result.stdout;
    expect(result.code, `${out}\n${result.stderr}`).toBe(0);
    expect(Date.now() - t0).toBeLessThan(90_000);
    for (const job of ['MT_Load_Customers', 'LT_Nightly_Sales']) {
      expect(out).toMatch(new RegExp(`${job}: started, taskId \\S+, runId 1`));
      expect(out).toMatch(new RegExp(`callback received: ${job} run 1 COMPLETED`));
      // The wait ends on the callback: one status read for the final state, no polls while it ran.
      expect(out).toMatch(new RegExp(`${job}: ended by the callback after 1 status request\n`));
      expect(out).not.toMatch(new RegExp(`${job}: (QUEUED|RUNNING)`));
    }
    expect(out).toMatch(/LT_Nightly_Sales: WARNING \[MT_Stage_Orders SUCCESS, MT_Publish_Orders WARNING\] target rows \d+ ok, [1-9]\d* failed/);
    expect(out).toMatch(/MT_Load_Customers: finished SUCCESS/);
    expect(out).toMatch(/LT_Nightly_Sales: finished WARNING/);
    expect(out).toMatch(/MT_Load_Customers\s+run 1\s+SUCCESS\s+callback: COMPLETED\s+status requests: 1 \(ended by callback\)/);
    expect(out).toMatch(/LT_Nightly_Sales\s+run 1\s+WARNING\s+callback: COMPLETED\s+status requests: 1 \(ended by callback\)/);
    expect(out).toMatch(/demo finished/);
  });

  test('with IICS_* set it runs the named task in that org, with a callback receiver at IICS_CALLBACK_BASE_URL', async () => {
    // The "org" is a fake IICS started here; the demo cannot tell it from a real one.
    const { startFakeIics } = await import('@iics-jobs/testing');
    const org = await startFakeIics({ timeScale: 0.001, tasks: [{ name: 'MT_Org_Task', type: 'DSS', durationMs: 20_000, outcome: 'failed' }] });
    try {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise((resolve) => probe.close(resolve));
      const result = await run(process.execPath, [path.join(repoRoot, 'scripts/demo.mjs')], {
        env: {
          ...process.env,
          IICS_LOGIN_URL: org.loginUrl,
          IICS_USERNAME: org.credentials.username,
          IICS_PASSWORD: org.credentials.password,
          IICS_TASK_NAME: 'MT_Org_Task',
          IICS_TASK_TYPE: 'DSS',
          IICS_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
          IICS_CALLBACK_PORT: String(port),
          IICS_POLL_INTERVAL_MS: '50',
        },
        timeoutMs: 60_000,
      });
      expect(result.stdout).toMatch(/running MT_Org_Task in the real org at http:\/\/127\.0\.0\.1:\d+/);
      expect(result.stdout).toMatch(/callback received: MT_Org_Task run 1 FAILED/);
      expect(result.stdout).toMatch(/MT_Org_Task\s+run 1\s+FAILED\s+callback: FAILED\s+status requests: [1-9]\d* \(ended by (callback|poll)\)/);
      expect(result.stdout + result.stderr).not.toContain(org.credentials.password);
      // A failed job makes the demo fail, as a script should.
      expect(result.code).toBe(1);
      expect(org.runs.map((r) => [r.taskName, r.callbackURL?.startsWith(`http://127.0.0.1:${port}/iics/callback`)])).toEqual([['MT_Org_Task', true]]);
    } finally {
      await org.close();
    }
  });

  test('against a real org it refuses to guess the task: no IICS_TASK_NAME → exit 64 before any request', async () => {
    const result = await run(process.execPath, [path.join(repoRoot, 'scripts/demo.mjs')], {
      env: { ...process.env, IICS_LOGIN_URL: 'http://127.0.0.1:9', IICS_USERNAME: 'u', IICS_PASSWORD: 'p', IICS_TASK_NAME: '' },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/IICS_TASK_NAME/);
  });
});
