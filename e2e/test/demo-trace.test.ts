import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot, run } from './helpers.js';

describe('npm run demo -- --trace', () => {
  test('prints the span tree of both jobs: run → start (login, lookup) and wait → status read; callbacks received and delivered', async () => {
    const env = { ...process.env };
    for (const name of ['IICS_LOGIN_URL', 'IICS_USERNAME', 'IICS_PASSWORD']) delete env[name];
    const result = await run(process.execPath, [path.join(repoRoot, 'scripts/demo.mjs'), '--trace'], { env, timeoutMs: 90_000 });
    const out = result.stdout;
    expect(result.code, `${out}\n${result.stderr}`).toBe(0);
    const spans = out.slice(out.indexOf('spans ('));
    expect(spans).toMatch(/^spans \(\d+\):/);
    // Top-level lines (two spaces) and their children (four): each job's start holds its HTTP request.
    expect(spans).toMatch(/\n {2}iics\.job\.start [\d.]+ ms task=MT_Load_Customers type=MTT run=1 /);
    expect(spans).toMatch(/\n {4}POST \/api\/v2\/job [\d.]+ ms http=200/);
    expect(spans).toMatch(/\n {2}iics\.job\.start [\d.]+ ms task=LT_Nightly_Sales type=WORKFLOW run=1 [\s\S]*?\n {4}iics\.lookup /);
    expect(spans).toMatch(/\n {4,6}iics\.login [\d.]+ ms/);
    // The demo waits on the callback: each wait ends by it, and reads the status once, with its two requests.
    expect(spans).toMatch(/\n {2}iics\.job\.wait [\d.]+ ms run=1 state=SUCCESS ended_by=callback/);
    expect(spans).toMatch(/\n {2}iics\.job\.wait [\d.]+ ms run=1 state=WARNING ended_by=callback/);
    expect(spans).toMatch(/\n {4}iics\.job\.status [\d.]+ ms run=1 state=(SUCCESS|WARNING) \[\w+\]\n {6}GET \/api\/v2\/activity\/activity(Log|Monitor) [\d.]+ ms http=200/);
    expect(spans.match(/\n {2}iics\.callback\.receive [\d.]+ ms run=1 http=200 outcome=processed/g)).toHaveLength(2);
    expect(spans).toMatch(/\n {4}iics\.callback\.handle /);
    // The fake's two deliveries are two top-level spans: neither adopted the other's context.
    expect(spans.match(/\n {2}iics\.callback\.deliver [\d.]+ ms run=1 http=200 attempt=1/g)).toHaveLength(2);
  });
});
