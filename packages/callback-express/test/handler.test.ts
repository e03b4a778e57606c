import { request } from 'node:http';
import { describe, expect, test } from 'vitest';
import { CallbackBodyError, createCallbackHandler, MemoryStore } from '../src/index.js';
import { recorder, SAMPLE, startReceiver } from './helpers/app.js';
import { postJson } from './helpers/http.js';
import { sleep } from './helpers/server.js';

const body = JSON.stringify(SAMPLE);

describe('the framework-free core', () => {
  test('takes the body as bytes, text, a reader or an already parsed value; header names in any case', async () => {
    const handler = recorder();
    const core = createCallbackHandler({ onCallback: handler.onCallback, key: () => `k${handler.calls.length}` });
    const inputs = [
      { body: new TextEncoder().encode(body) },
      { body },
      { body: async (limit: number) => (limit === 65_536 ? body : '') },
      { parsedBody: SAMPLE },
      { body: `\uFEFF${body}` },
    ];
    for (const input of inputs) {
      const response = await core.handle({ method: 'post', url: '/x', headers: { 'Content-Type': 'application/json' }, ...input });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.body).toMatchObject({ status: 'processed' });
    }
    expect(handler.calls).toHaveLength(inputs.length);
  });

  test('a body reader is never called for a request refused on its method, address or secret', async () => {
    let reads = 0;
    const core = createCallbackHandler({ onCallback: () => undefined, secret: 's', allowedIps: ['10.0.0.0/8'] });
    const reader = async () => {
      reads += 1;
      return body;
    };
    const refused = [
      await core.handle({ method: 'GET', url: '/?secret=s', ip: '10.0.0.1', headers: {}, body: reader }),
      await core.handle({ method: 'POST', url: '/?secret=s', ip: '11.0.0.1', headers: {}, body: reader }),
      await core.handle({ method: 'POST', url: '/?secret=t', ip: '10.0.0.1', headers: {}, body: reader }),
      await core.handle({ method: 'POST', url: '/?secret=s', ip: '10.0.0.1', headers: { 'content-length': '70000' }, body: reader }),
    ];
    expect(refused.map((r) => r.status)).toEqual([405, 403, 401, 413]);
    expect(reads).toBe(0);
    expect((await core.handle({ method: 'POST', url: '/?secret=s', ip: '10.0.0.1', headers: {}, body: reader })).status).toBe(200);
    expect(reads).toBe(1);
  });

  test("a reader's CallbackBodyError becomes 413, 408 or 500", async () => {
    const core = createCallbackHandler({ onCallback: () => undefined });
    const failWith = (code: CallbackBodyError['code']) => () => Promise.reject(new CallbackBodyError(code, `failed: ${code}`));
    const statuses = [];
    for (const code of ['payload_too_large', 'body_timeout', 'body_unavailable'] as const) {
      const response = await core.handle({ method: 'POST', headers: {}, body: failWith(code) });
      statuses.push([response.status, (response.body as { error: { code: string } }).error.code]);
    }
    expect(statuses).toEqual([
      [413, 'payload_too_large'],
      [408, 'body_timeout'],
      [500, 'body_unavailable'],
    ]);
  });

  test('a body that never finishes arriving gets 408 after bodyTimeoutMs', async () => {
    const handler = recorder();
    const r = await startReceiver({ onCallback: handler.onCallback, bodyTimeoutMs: 200 });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const target = new URL(r.callbackUrl);
        const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '500' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        req.setTimeout(5_000, () => req.destroy(new Error('no answer')));
        req.write(body.slice(0, 20));
      });
      expect(status).toBe(408);
      expect(handler.calls).toHaveLength(0);
    } finally {
      await r.close();
    }
  });
});

describe('leases', () => {
  test('a handler running past leaseMs keeps its claim (renewed), so a retry is not run twice', async () => {
    const handler = recorder(() => sleep(700));
    const r = await startReceiver({ onCallback: handler.onCallback, handlerTimeoutMs: 50, leaseMs: 200 });
    try {
      expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(503);
      await sleep(400);
      expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(409);
      await r.middleware.drain();
      expect((await postJson(r.callbackUrl, SAMPLE)).json.status).toBe('duplicate');
      expect(handler.calls).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  test('a claim left by a replica that crashed mid-handler blocks retries only until its lease runs out', async () => {
    const store = new MemoryStore();
    await store.claim('0034J90000000M:5:COMPLETED', 'crashed-replica', 300);
    const handler = recorder();
    const r = await startReceiver({ onCallback: handler.onCallback, store });
    try {
      expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(409);
      await sleep(350);
      expect((await postJson(r.callbackUrl, SAMPLE)).json.status).toBe('processed');
      expect(handler.calls).toHaveLength(1);
    } finally {
      await r.close();
    }
  });
});
