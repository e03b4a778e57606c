import { afterEach, describe, expect, test } from 'vitest';
import { type CallbackLogger, type CallbackStore, MemoryStore } from '../src/index.js';
import { recorder, SAMPLE, startReceiver } from './helpers/app.js';
import { postJson, send } from './helpers/http.js';
import { sleep, until, type Running } from './helpers/server.js';

const open: Running[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  open.push(r);
  return r;
}

describe('processing each callback once', () => {
  test('the documentation sample is handled once and a repeat answers 200 without calling the handler', async () => {
    const handler = recorder();
    const onDuplicate: unknown[] = [];
    const r = await receiver({ onCallback: handler.onCallback, onDuplicate: (callback) => void onDuplicate.push(callback) });

    const first = await postJson(r.callbackUrl, SAMPLE);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ status: 'processed', key: '0034J90000000M:5:COMPLETED' });
    expect(handler.calls).toHaveLength(1);
    expect(handler.calls[0]?.callback).toEqual(SAMPLE);

    const again = await postJson(r.callbackUrl, SAMPLE);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'duplicate', key: '0034J90000000M:5:COMPLETED' });
    expect(handler.calls).toHaveLength(1);
    expect(onDuplicate).toEqual([SAMPLE]);
  });

  test('50 concurrent deliveries: the handler runs once, every answer is 200 or 409, and later ones are 200', async () => {
    const handler = recorder(() => sleep(150));
    const r = await receiver({ onCallback: handler.onCallback });

    const answers = await Promise.all(Array.from({ length: 50 }, () => postJson(r.callbackUrl, SAMPLE)));
    const statuses = answers.map((a) => a.status);
    expect(handler.calls).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.json.error.code).toBe('in_progress');

    const later = await Promise.all(Array.from({ length: 10 }, () => postJson(r.callbackUrl, SAMPLE)));
    expect(later.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(handler.calls).toHaveLength(1);
  });

  test('a handler that throws once: 500 without its message, then the retry is processed once', async () => {
    const handler = recorder((_callback, call) => {
      if (call === 1) throw new Error('database is down: password=hunter2');
    });
    const r = await receiver({ onCallback: handler.onCallback });

    const failed = await postJson(r.callbackUrl, SAMPLE);
    expect(failed.status).toBe(500);
    expect(failed.json.error.code).toBe('handler_failed');
    expect(failed.text).not.toContain('hunter2');
    expect(failed.text).not.toContain('database');

    const retried = await postJson(r.callbackUrl, SAMPLE);
    expect(retried.status).toBe(200);
    expect(retried.json.status).toBe('processed');
    const third = await postJson(r.callbackUrl, SAMPLE);
    expect(third.json.status).toBe('duplicate');
    expect(handler.calls).toHaveLength(2);
  });

  test('a handler slower than handlerTimeoutMs: 503, the claim is kept (409), then 200 and no second run', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const handler = recorder(() => gate);
    const r = await receiver({ onCallback: handler.onCallback, handlerTimeoutMs: 200 });

    const slow = await postJson(r.callbackUrl, SAMPLE);
    expect(slow.status).toBe(503);
    expect(slow.json.error.code).toBe('handler_timeout');

    const meanwhile = await postJson(r.callbackUrl, SAMPLE);
    expect(meanwhile.status).toBe(409);

    finish();
    await r.middleware.drain();
    const after = await postJson(r.callbackUrl, SAMPLE);
    expect(after.status).toBe(200);
    expect(after.json.status).toBe('duplicate');
    expect(handler.calls).toHaveLength(1);
  });

  test('a slow handler that then fails releases its claim, so the next delivery runs it again', async () => {
    const handler = recorder(async (_callback, call) => {
      if (call === 1) {
        await sleep(300);
        throw new Error('late failure');
      }
    });
    const r = await receiver({ onCallback: handler.onCallback, handlerTimeoutMs: 100 });

    expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(503);
    expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(409);
    await r.middleware.drain();
    expect((await postJson(r.callbackUrl, SAMPLE)).json.status).toBe('processed');
    expect(handler.calls).toHaveLength(2);
  });

  test('a handler that never settles keeps its claim (409, never twice at once); drain(timeoutMs) gives up and says so', async () => {
    let release: () => void = () => undefined;
    const handler = recorder(() => new Promise<void>((resolve) => (release = resolve)));
    const r = await receiver({ onCallback: handler.onCallback, handlerTimeoutMs: 50 });

    expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(503);
    expect(await r.middleware.drain(100)).toBe(false);
    expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(409);
    expect(handler.calls).toHaveLength(1);
    release();
    expect(await r.middleware.drain(5_000)).toBe(true);
    expect((await postJson(r.callbackUrl, SAMPLE)).json.status).toBe('duplicate');
    expect(handler.calls).toHaveLength(1);
  });

  test('different runs, tasks and statuses are different callbacks; a custom key can merge them', async () => {
    const handler = recorder();
    const r = await receiver({ onCallback: handler.onCallback });
    await postJson(r.callbackUrl, SAMPLE);
    await postJson(r.callbackUrl, { ...SAMPLE, runId: 6 });
    await postJson(r.callbackUrl, { ...SAMPLE, objectId: '0034J90000000N' });
    await postJson(r.callbackUrl, { ...SAMPLE, status: 'FAILED' });
    expect(handler.calls).toHaveLength(4);

    const byRun = recorder();
    const merged = await receiver({ onCallback: byRun.onCallback, key: (c) => `${c.objectId}/${c.runId}` });
    await postJson(merged.callbackUrl, SAMPLE);
    const other = await postJson(merged.callbackUrl, { ...SAMPLE, status: 'FAILED' });
    expect(other.json).toEqual({ status: 'duplicate', key: '0034J90000000M/5' });
    expect(byRun.calls).toHaveLength(1);
  });

  test('unknown fields and unknown statuses reach the handler unchanged', async () => {
    const handler = recorder();
    const r = await receiver({ onCallback: handler.onCallback });
    const payload = { ...SAMPLE, status: 'STOPPED', errorMsg: 'stopped by admin', entries: [{ a: 1 }] };
    expect((await postJson(r.callbackUrl, payload)).status).toBe(200);
    expect(handler.calls[0]?.callback).toEqual(payload);
  });

  test('the handler context has the key, the receipt time and the request without the secret', async () => {
    const handler = recorder();
    const r = await receiver({ onCallback: handler.onCallback, secret: 's3cr3t-token' }, { path: '/hooks/:token' });
    const before = Date.now();
    const answer = await postJson(`${r.url}/hooks/s3cr3t-token?run=1`, SAMPLE, { 'x-request-id': 'abc' });
    expect(answer.status).toBe(200);
    const context = handler.calls[0]?.context;
    expect(context?.key).toBe('0034J90000000M:5:COMPLETED');
    expect(context?.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(context?.receivedAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(context?.request).toMatchObject({ method: 'POST', path: '/hooks/[secret]', ip: '127.0.0.1' });
    expect(context?.request.headers['x-request-id']).toBe('abc');
    expect(JSON.stringify({ ...context?.request, raw: undefined })).not.toContain('s3cr3t-token');
    expect((context?.request.raw as { method?: string }).method).toBe('POST');
  });
});

describe('store failures', () => {
  function failingStore(store: CallbackStore, broken: { claim?: boolean; markDone?: boolean; hang?: boolean }): CallbackStore {
    const fail = <T>(): Promise<T> => (broken.hang ? new Promise<T>(() => {}) : Promise.reject(new Error('ECONNREFUSED redis')));
    return {
      claim: (...a) => (broken.claim ? fail() : store.claim(...a)),
      release: (...a) => store.release(...a),
      markDone: (...a) => (broken.markDone ? fail() : store.markDone(...a)),
    };
  }

  test('a store that refuses or hangs gets 503, never a crash, and the handler is not called', async () => {
    for (const hang of [false, true]) {
      const handler = recorder();
      const r = await receiver({
        onCallback: handler.onCallback,
        store: failingStore(new MemoryStore(), { claim: true, hang }),
        storeTimeoutMs: 100,
      });
      const answer = await postJson(r.callbackUrl, SAMPLE);
      expect(answer.status).toBe(503);
      expect(answer.json.error.code).toBe('store_unavailable');
      expect(handler.calls).toHaveLength(0);
    }
  });

  test('a claim that lands after its timeout is handed back, so the retry is processed once', async () => {
    const memory = new MemoryStore();
    let slow = true;
    const released: boolean[] = [];
    const store: CallbackStore = {
      claim: async (...a) => {
        if (slow) await sleep(300);
        return memory.claim(...a);
      },
      release: async (...a) => {
        const result = await memory.release(...a);
        released.push(result);
        return result;
      },
      markDone: (...a) => memory.markDone(...a),
    };
    const handler = recorder();
    const r = await receiver({ onCallback: handler.onCallback, store, storeTimeoutMs: 50 });
    expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(503);
    slow = false;
    await until(() => released.length === 1, 'the late claim to be released');
    expect(released).toEqual([true]);
    expect(memory.peek('0034J90000000M:5:COMPLETED')).toBeUndefined();
    expect((await postJson(r.callbackUrl, SAMPLE)).json.status).toBe('processed');
    expect(handler.calls).toHaveLength(1);
  });

  test('when the done mark cannot be written, the answer is still 200 and the mark is retried until it lands', async () => {
    const memory = new MemoryStore();
    const broken = { markDone: true };
    const handler = recorder();
    const r = await receiver({ onCallback: handler.onCallback, store: failingStore(memory, broken), storeTimeoutMs: 50 });

    expect((await postJson(r.callbackUrl, SAMPLE)).json.status).toBe('processed');
    // The claim still holds the key, so a duplicate now waits rather than running the handler again.
    expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(409);
    broken.markDone = false;
    await r.middleware.drain();
    expect(memory.peek('0034J90000000M:5:COMPLETED')).toBe('done');
    expect((await postJson(r.callbackUrl, SAMPLE)).json.status).toBe('duplicate');
    expect(handler.calls).toHaveLength(1);
  });

  test('a key option that throws gets 500 and the handler is not called', async () => {
    const handler = recorder();
    const r = await receiver({
      onCallback: handler.onCallback,
      key: () => {
        throw new Error('boom');
      },
    });
    const answer = await postJson(r.callbackUrl, SAMPLE);
    expect(answer.status).toBe(500);
    expect(answer.json.error.code).toBe('internal_error');
    expect(handler.calls).toHaveLength(0);
  });
});

describe('logging', () => {
  test('logs each outcome through a pino-shaped logger, never with the secret', async () => {
    const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
    const logger: CallbackLogger = {
      info: (fields, message) => lines.push({ level: 'info', fields, message }),
      warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
      error: (fields, message) => lines.push({ level: 'error', fields, message }),
    };
    const secret = 'top-secret-value-42';
    const handler = recorder((_c, call) => {
      if (call === 1) throw new Error('first try fails');
    });
    const r = await receiver({ onCallback: handler.onCallback, secret, logger });
    await postJson(`${r.callbackUrl}?secret=${secret}`, SAMPLE);
    await postJson(`${r.callbackUrl}?secret=${secret}`, SAMPLE);
    await postJson(`${r.callbackUrl}?secret=${secret}`, SAMPLE);
    await postJson(`${r.callbackUrl}?secret=wrong`, SAMPLE);
    await send(r.callbackUrl, { body: 'x', headers: { 'content-type': 'text/plain', 'x-callback-secret': secret } });

    expect(lines.map((l) => `${l.level} ${l.message}`)).toEqual([
      'error IICS callback handler failed; released for a retry',
      'info IICS callback processed',
      'info IICS callback already processed; answered 200',
      'warn IICS callback rejected',
      'warn IICS callback rejected',
    ]);
    expect(lines[1]?.fields).toMatchObject({ key: '0034J90000000M:5:COMPLETED', objectId: '0034J90000000M', runId: 5 });
    expect(lines[3]?.fields).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(JSON.stringify(lines)).not.toContain(secret);
  });

  test('a logger that throws does not change the answers', async () => {
    const throwing = () => {
      throw new Error('logger broke');
    };
    const handler = recorder();
    const r = await receiver({ onCallback: handler.onCallback, logger: { info: throwing, warn: throwing, error: throwing } });
    expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(200);
    expect((await send(r.callbackUrl, { body: '{}', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
  });
});
