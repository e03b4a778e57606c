import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { callbackUrl, createCallbackMiddleware } from '@iics-jobs/callback-express';
import { deliverCallback, fixtures, startFakeIics } from '@iics-jobs/testing';
import { createIicsClient } from '@iics-jobs/client';
import express from 'express';
import { describe, expect, onTestFinished, test } from 'vitest';
import { formatTraceparent, withTraceContext } from '../src/index.js';
import { listen, tracing, until } from './helpers/tracing.js';

const SECRET = 'otel-test-secret-9f8e7d';

async function receiver(onCallback: () => Promise<void> = async () => undefined) {
  const app = express();
  let calls = 0;
  app.post(
    '/iics/callback',
    createCallbackMiddleware({
      secret: SECRET,
      onCallback: async () => {
        calls += 1;
        await onCallback();
      },
    }),
  );
  const base = await listen(app);
  return { url: callbackUrl(`${base}/iics/callback`, { secret: SECRET }), calls: () => calls };
}

describe('receiver spans', () => {
  test('a callback delivered twice gives one handler span under the processed receive span, and one duplicate span', async () => {
    const t = tracing();
    const r = await receiver();
    const payload = fixtures.callbackUrlResponse({ status: 'COMPLETED' });
    expect((await deliverCallback(r.url, payload)).delivered).toBe(true);
    expect((await deliverCallback(r.url, payload)).delivered).toBe(true);
    expect(r.calls()).toBe(1);

    const receives = t.named('iics.callback.receive');
    expect(receives.map((s) => s.attributes['iics.callback.outcome'])).toEqual(['processed', 'duplicate']);
    for (const s of receives) {
      expect(s.kind).toBe(SpanKind.SERVER);
      expect(s.attributes).toMatchObject({
        'http.response.status_code': 200,
        'url.path': '/iics/callback',
        'iics.task.id': payload.objectId,
        'iics.run.id': String(payload.runId),
        'iics.callback.status': 'COMPLETED',
      });
    }
    const handlers = t.named('iics.callback.handle');
    expect(handlers).toHaveLength(1);
    expect(handlers[0]!.parentSpanContext?.spanId).toBe(receives[0]!.spanContext().spanId);
    // The sender's attempts are spans too (deliverCallback of @iics-jobs/testing).
    const attempts = t.named('iics.callback.deliver');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.attributes).toMatchObject({ 'iics.callback.attempt': 1, 'http.response.status_code': 200 });
    expect(String(attempts[0]!.attributes['url.full'])).not.toContain(SECRET);
  });

  test('a rejected callback is a receive span with its code; a failing handler is an error span, retried', async () => {
    const t = tracing();
    let fail = true;
    const r = await receiver(async () => {
      if (fail) {
        fail = false;
        throw new Error('database down');
      }
    });
    const wrong = r.url.replace(SECRET, 'wrong-secret');
    const forged = await fetch(wrong, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixtures.callbackUrlResponse()) });
    expect(forged.status).toBe(401);
    const result = await deliverCallback(r.url, fixtures.callbackUrlResponse(), { schedule: [0, 0] });
    expect(result.attempts.map((a) => a.status)).toEqual([500, 200]);

    const outcomes = t.named('iics.callback.receive').map((s) => [s.attributes['iics.callback.outcome'], s.attributes['http.response.status_code'], s.status.code]);
    expect(outcomes).toEqual([
      ['unauthorized', 401, SpanStatusCode.UNSET],
      ['handler_failed', 500, SpanStatusCode.ERROR],
      ['processed', 200, SpanStatusCode.UNSET],
    ]);
    const handlers = t.named('iics.callback.handle');
    expect(handlers.map((h) => h.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    const attempts = t.named('iics.callback.deliver');
    expect(attempts.map((a) => [a.attributes['iics.callback.attempt'], a.status.code])).toEqual([
      [1, SpanStatusCode.ERROR],
      [2, SpanStatusCode.UNSET],
    ]);
  });

  test('a job started inside a span, with withTraceContext on its callback URL: the callback is linked to that span', async () => {
    const t = tracing();
    const r = await receiver();
    const fake = await startFakeIics({ timeScale: 0.001, tasks: [{ name: 'MT_Traced', type: 'MTT', durationMs: 10_000 }] });
    onTestFinished(() => fake.close());
    const client = createIicsClient({ loginUrl: fake.loginUrl, ...fake.credentials });
    onTestFinished(() => client.close());

    const tracer = t.provider.getTracer('app');
    const parent = await tracer.startActiveSpan('load-orders', async (span) => {
      await client.jobs.run({ taskName: 'MT_Traced', taskType: 'MTT', callbackURL: withTraceContext(r.url) }, { pollIntervalMs: 5 });
      span.end();
      return span.spanContext();
    });
    await until(() => t.named('iics.callback.receive').length === 1, 'the callback');
    const [receive] = t.named('iics.callback.receive');
    expect(receive!.attributes['iics.callback.outcome']).toBe('processed');
    expect(receive!.links.map((l) => l.context.spanId)).toEqual([parent.spanId]);
    expect(receive!.links[0]!.context.traceId).toBe(parent.traceId);
    // The secret stays where it was; the trace context rides beside it.
    expect(withTraceContext(r.url, undefined)).toBe(r.url);
    expect(formatTraceparent(parent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
