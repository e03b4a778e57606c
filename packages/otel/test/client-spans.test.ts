import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createIicsClient } from '@iics-jobs/client';
import { startFakeIics } from '@iics-jobs/testing';
import { describe, expect, onTestFinished, test } from 'vitest';
import { tracing } from './helpers/tracing.js';

async function setup(tasks = [{ name: 'MT_Load_Orders', type: 'MTT' as const, durationMs: 150_000, outcome: 'warning' as const }]) {
  const fake = await startFakeIics({ timeScale: 0.001, tasks });
  onTestFinished(() => fake.close());
  const client = createIicsClient({ loginUrl: fake.loginUrl, ...fake.credentials, retry: { retries: 2, minDelayMs: 2, maxDelayMs: 10 } });
  onTestFinished(() => client.close());
  return { fake, client };
}

describe('client spans', () => {
  test('a run against the fake gives login, start, wait with its status polls, and an HTTP span per request', async () => {
    const t = tracing();
    const { client } = await setup();
    const final = await client.jobs.run({ taskName: 'MT_Load_Orders', taskType: 'MTT' }, { pollIntervalMs: 5 });
    expect(final.state).toBe('WARNING');

    const [start] = t.named('iics.job.start');
    expect(start).toBeDefined();
    expect(start!.attributes).toMatchObject({ 'iics.task.name': 'MT_Load_Orders', 'iics.task.type': 'MTT', 'iics.run.id': '1' });
    expect(start!.attributes['iics.task.id']).toMatch(/^\w{20}$/);
    // The first call logged in: the login is the start's child, and the login request the login's.
    const [login] = t.named('iics.login');
    expect(login!.parentSpanContext?.spanId).toBe(start!.spanContext().spanId);
    expect(t.children(login!).map((s) => s.name)).toEqual(['POST /ma/api/v2/user/login']);
    expect(t.children(start!).map((s) => s.name)).toEqual(['iics.login', 'POST /api/v2/job']);

    const [wait] = t.named('iics.job.wait');
    expect(wait!.attributes).toMatchObject({ 'iics.task.id': start!.attributes['iics.task.id'], 'iics.run.id': '1', 'iics.job.state': 'WARNING' });
    const polls = t.children(wait!);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(polls.map((p) => p.name))).toEqual(new Set(['iics.job.status']));
    expect(polls.at(-1)!.attributes['iics.job.state']).toBe('WARNING');
    // Each poll's requests are its children, with the HTTP status.
    for (const poll of polls) {
      const requests = t.children(poll);
      expect(requests[0]!.name).toBe('GET /api/v2/activity/activityMonitor');
      expect(requests[0]!.kind).toBe(SpanKind.CLIENT);
      expect(requests[0]!.attributes['http.response.status_code']).toBe(200);
    }
    // One trace for the whole run: run() is the parent of its start and its wait.
    const [run] = t.named('iics.job.run');
    expect(t.children(run!).map((s) => s.name)).toEqual(['iics.job.start', 'iics.job.wait']);
    expect(run!.attributes).toMatchObject({ 'iics.task.name': 'MT_Load_Orders', 'iics.run.id': '1', 'iics.job.state': 'WARNING' });
    expect(run!.parentSpanContext).toBeUndefined();
    expect(new Set([run, start, login, wait, ...polls].map((s) => s!.spanContext().traceId)).size).toBe(1);
  });

  test('a failed start is an error span with the error code', async () => {
    const t = tracing();
    const { client } = await setup();
    await expect(client.jobs.start({ taskName: 'MT_Nobody', taskType: 'MTT' })).rejects.toMatchObject({ code: 'IICS_TASK_NOT_FOUND' });
    const [start] = t.named('iics.job.start');
    expect(start!.status.code).toBe(SpanStatusCode.ERROR);
    expect(start!.attributes['iics.error.code']).toBe('IICS_TASK_NOT_FOUND');
    expect(start!.events.map((e) => e.name)).toContain('exception');
    const [request] = t.children(start!).filter((s) => s.name === 'POST /api/v2/job');
    expect(request!.status.code).toBe(SpanStatusCode.ERROR);
    expect(request!.attributes['http.response.status_code']).toBeGreaterThanOrEqual(400);
  });

  test('an invalid request is an error span too, with IICS_INVALID_ARGUMENT', async () => {
    const t = tracing();
    const { client } = await setup();
    await expect(client.jobs.start({ taskName: 'MT_Load_Orders', taskType: 'NOPE' as 'MTT' })).rejects.toMatchObject({ code: 'IICS_INVALID_ARGUMENT' });
    expect(t.named('iics.job.start')[0]!.attributes).toMatchObject({ 'iics.error.code': 'IICS_INVALID_ARGUMENT', 'iics.task.type': 'NOPE' });
  });

  test('a wait started inside an active span belongs to that trace', async () => {
    const t = tracing();
    const { client } = await setup();
    const tracer = t.provider.getTracer('app');
    const traceId = await tracer.startActiveSpan('nightly-batch', async (span) => {
      await client.jobs.run({ taskName: 'MT_Load_Orders', taskType: 'MTT' }, { pollIntervalMs: 5 });
      span.end();
      return span.spanContext().traceId;
    });
    const batch = t.named('nightly-batch')[0]!;
    const [run] = t.named('iics.job.run');
    expect(run!.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
    for (const name of ['iics.job.run', 'iics.job.start', 'iics.job.wait', 'iics.job.status', 'iics.login']) {
      expect(t.named(name).length, name).toBeGreaterThan(0);
      for (const span of t.named(name)) expect(span.spanContext().traceId, name).toBe(traceId);
    }
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  test('disable() stops all spans', async () => {
    const t = tracing();
    const { client } = await setup();
    await client.jobs.run({ taskName: 'MT_Load_Orders', taskType: 'MTT' }, { pollIntervalMs: 5 });
    const before = t.spans().length;
    expect(before).toBeGreaterThan(5);
    t.instrumentation.disable();
    await client.jobs.run({ taskName: 'MT_Load_Orders', taskType: 'MTT' }, { pollIntervalMs: 5 });
    await client.tasks.lookup({ path: 'Default/MT_Load_Orders', type: 'MTT' });
    expect(t.spans().length).toBe(before);
  });
});
