import { OPERATION_STATUSES } from '@iics-jobs/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isListed, listedStatuses } from '../src/fake/spec-statuses.js';
import { startFakeIics, type FakeIics } from '../src/index.js';
import { call, loginV2 } from './helpers.js';

let fake: FakeIics;
let session: string;

beforeAll(async () => {
  fake = await startFakeIics({ tasks: [{ name: 'MT_Load', type: 'MTT' }] });
  session = (await loginV2(fake)).session;
});
afterAll(() => fake.close());

describe("the fake's own check covers status codes as well as bodies", () => {
  test("each route of the fake is an operation of the spec, found by the fake's paths", () => {
    expect(listedStatuses('POST', '/saas/api/v2/job')?.operation).toBe('POST /api/v2/job');
    expect(listedStatuses('GET', '/saas/api/v2/activity/activityLog/0119Y4C1000000000QEH')?.operation).toBe('GET /api/v2/activity/activityLog/{id}');
    expect(listedStatuses('POST', '/saas/public/core/v3/lookup')?.operation).toBe('POST /public/core/v3/lookup');
    expect(listedStatuses('POST', '/saas/public/core/v3/login')?.operation).toBe('POST /saas/public/core/v3/login');
    expect(listedStatuses('PUT', '/active-bpel/management/runtime/v1/resumeWithFaultSkip/123')?.operation).toBe('PUT /active-bpel/management/runtime/v1/resumeWithFaultSkip/{runId}');
    expect(listedStatuses('GET', '/saas/api/v2/job')).toBeUndefined();
    const job = listedStatuses('POST', '/saas/api/v2/job')!;
    expect([200, 400, 401, 403, 405, 413, 415, 503].every((status) => isListed(job, status))).toBe(true);
    expect(isListed(job, 418)).toBe(false);
    expect(isListed({ operation: 'x', statuses: ['200', '4XX'] }, 418)).toBe(true);
  });

  test('an answer whose status the spec does not list for the operation is a violation, named', async () => {
    const listed = OPERATION_STATUSES['/api/v2/job'] as Record<string, readonly string[]>;
    const saved = listed.POST!;
    const before = fake.violations.length;
    try {
      // As if the spec forgot 415: the fake's 415 for a body that is not JSON is then reported.
      listed.POST = saved.filter((code) => code !== '415');
      const answer = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, rawBody: 'taskId=1', headers: { 'content-type': 'text/plain' } });
      expect(answer.status).toBe(415);
      expect(fake.violations.slice(before)).toEqual(['job answered 415, a status the spec does not list for POST /api/v2/job']);
    } finally {
      listed.POST = saved;
    }
    const again = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, rawBody: 'taskId=1', headers: { 'content-type': 'text/plain' } });
    expect(again.status).toBe(415);
    expect(fake.violations).toHaveLength(before + 1);
  });

  test('405, 413 and an injected fault are answered without a violation', async () => {
    const before = fake.violations.length;
    expect((await call(fake.serverUrl, 'GET', '/api/v2/job', { session })).status).toBe(405);
    const big = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, rawBody: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(big.status).toBe(413);
    fake.faults.failNext('job', 1, 418);
    expect((await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskName: 'MT_Load', taskType: 'MTT' } })).status).toBe(418);
    expect(fake.violations.slice(before)).toEqual([]);
  });
});
