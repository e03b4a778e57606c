import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot, run } from './helpers.js';

describe('npm run demo', () => {
  test('runs a mapping task and a linear taskflow against the fake IICS, shows progress and callbacks, exits 0', async () => {
    const env = { ...process.env };
    for (const name of ['IICS_LOGIN_URL', 'IICS_USERNAME', 'IICS_PASSWORD']) delete env[name];
    const t0 = Date.now();
    const result = await run(process.execPath, [path.join(repoRoot, 'scripts/demo.mjs')], { env, timeoutMs: 90_000 });
    const out = result.stdout;
    expect(result.code, `${out}\n${result.stderr}`).toBe(0);
    expect(Date.now() - t0).toBeLessThan(90_000);
    for (const job of ['MT_Load_Customers', 'LT_Nightly_Sales']) {
      expect(out).toMatch(new RegExp(`${job}: started, taskId \\S+, runId 1`));
      expect(out).toMatch(new RegExp(`${job}: RUNNING.* \\(elapsed \\d+\\.\\ds\\)`));
      expect(out).toMatch(new RegExp(`callback received: ${job} run 1 COMPLETED`));
    }
    expect(out).toMatch(/LT_Nightly_Sales: RUNNING \[MT_Stage_Orders RUNNING/);
    expect(out).toMatch(/LT_Nightly_Sales: WARNING \[MT_Stage_Orders SUCCESS, MT_Publish_Orders WARNING\] target rows \d+ ok, [1-9]\d* failed/);
    expect(out).toMatch(/MT_Load_Customers: finished SUCCESS/);
    expect(out).toMatch(/LT_Nightly_Sales: finished WARNING/);
    expect(out).toMatch(/MT_Load_Customers\s+run 1\s+SUCCESS\s+callback: COMPLETED/);
    expect(out).toMatch(/LT_Nightly_Sales\s+run 1\s+WARNING\s+callback: COMPLETED/);
    expect(out).toMatch(/demo finished/);
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
