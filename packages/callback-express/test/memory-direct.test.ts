import { describe, expect, test } from 'vitest';
import { type ClaimResult, createCallbackHandler, MemoryStore } from '../src/index.js';
import { recorder, SAMPLE, startReceiver } from './helpers/app.js';
import { postJson } from './helpers/http.js';

// The receiver calls a plain MemoryStore directly (no promise, no store timeout per call). A store
// whose methods were replaced must still be called as written, and what a user sees stays the same.
describe('the receiver and a MemoryStore', () => {
  test('a MemoryStore subclass that overrides claim and markDone is called through them', async () => {
    const calls: string[] = [];
    class CountingStore extends MemoryStore {
      override claim(key: string, token: string, leaseMs: number): Promise<ClaimResult> {
        calls.push(`claim ${key}`);
        return super.claim(key, token, leaseMs);
      }
      override markDone(key: string, token: string, ttlMs: number): Promise<boolean> {
        calls.push(`markDone ${key}`);
        return super.markDone(key, token, ttlMs);
      }
    }
    const handler = recorder();
    const r = await startReceiver({ onCallback: handler.onCallback, store: new CountingStore() });
    try {
      expect((await postJson(r.callbackUrl, SAMPLE)).json.status).toBe('processed');
      expect((await postJson(r.callbackUrl, SAMPLE)).json.status).toBe('duplicate');
      const key = `${SAMPLE.objectId}:${SAMPLE.runId}:${SAMPLE.status}`;
      expect(calls).toEqual([`claim ${key}`, `markDone ${key}`, `claim ${key}`]);
      expect(handler.calls).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  test('an instance whose claim was replaced is called through it too', async () => {
    const store = new MemoryStore();
    let claims = 0;
    const original = store.claim.bind(store);
    store.claim = (key, token, leaseMs) => {
      claims += 1;
      return original(key, token, leaseMs);
    };
    const core = createCallbackHandler({ onCallback: () => undefined, store });
    const response = await core.handle({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(SAMPLE) });
    expect(response.status).toBe(200);
    expect(claims).toBe(1);
  });

  test('a plain MemoryStore full of live claims still answers 503 store_unavailable, and processes once there is room', async () => {
    const store = new MemoryStore({ maxEntries: 1 });
    await store.claim('someone-else', 'other', 60_000);
    const handler = recorder();
    const core = createCallbackHandler({ onCallback: handler.onCallback, store });
    const refused = await core.handle({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(SAMPLE) });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'store_unavailable' } });
    expect(handler.calls).toHaveLength(0);
    await store.release('someone-else', 'other');
    const processed = await core.handle({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(SAMPLE) });
    expect(processed.body).toMatchObject({ status: 'processed' });
    expect(store.peek(`${SAMPLE.objectId}:${SAMPLE.runId}:${SAMPLE.status}`)).toBe('done');
    expect(handler.calls).toHaveLength(1);
  });
});
