import { randomUUID } from 'node:crypto';
import express from 'express';
import express4 from 'express4';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type CallbackStore, createCallbackMiddleware, RedisStore } from '../src/index.js';
import { recorder, SAMPLE } from './helpers/app.js';
import { postJson } from './helpers/http.js';
import { describeWithRedis } from './helpers/redis.js';
import { listen, type Running, sleep } from './helpers/server.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

describeWithRedis('RedisStore against a real Redis', (redis) => {
  const clients: Array<{ quit(): Promise<unknown> } | { disconnect(): unknown }> = [];
  const servers: Running[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    for (const c of clients.splice(0)) {
      if ('disconnect' in c) c.disconnect();
      else await c.quit();
    }
  });

  function ioredis(url = redis().url, extra: Record<string, unknown> = {}): Redis {
    const client = new Redis(url, { lazyConnect: false, ...extra });
    // Without a listener ioredis prints every failed reconnect while the proxy is cut.
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  }

  async function nodeRedis() {
    const client = createClient({ url: redis().url });
    await client.connect();
    clients.push({ disconnect: () => client.destroy() });
    return client;
  }

  const prefix = () => `test:${randomUUID()}:`;

  const flavours: Array<[string, () => Promise<CallbackStore>]> = [
    ['ioredis', async () => new RedisStore({ client: ioredis(), prefix: prefix() })],
    ['node-redis', async () => new RedisStore({ client: await nodeRedis(), prefix: prefix() })],
  ];

  for (const [name, makeStore] of flavours) {
    describe(`over ${name}`, () => {
      let store: CallbackStore;
      beforeAll(async () => {
        store = await makeStore();
      });

      test('claim, in-flight, done; only the holder releases or completes', async () => {
        expect(await store.claim('k1', 'a', 5_000)).toBe('claimed');
        expect(await store.claim('k1', 'b', 5_000)).toBe('in-flight');
        expect(await store.claim('k1', 'a', 5_000)).toBe('claimed');
        expect(await store.release('k1', 'b')).toBe(false);
        expect(await store.markDone('k1', 'b', 5_000)).toBe(false);
        expect(await store.markDone('k1', 'a', 5_000)).toBe(true);
        expect(await store.markDone('k1', 'a', 5_000)).toBe(true);
        expect(await store.claim('k1', 'c', 5_000)).toBe('done');
        expect(await store.release('k1', 'a')).toBe(false);
      });

      test('release frees the key; a released or vanished key counts as released', async () => {
        await store.claim('k2', 'a', 5_000);
        expect(await store.release('k2', 'a')).toBe(true);
        expect(await store.release('k2', 'a')).toBe(true);
        expect(await store.claim('k2', 'b', 5_000)).toBe('claimed');
      });

      test('leases and done marks expire (PX), and extend keeps a lease alive', async () => {
        await store.claim('k3', 'a', 150);
        await store.claim('k4', 'a', 150);
        await sleep(100);
        expect(await store.extend?.('k4', 'a', 400)).toBe(true);
        expect(await store.extend?.('k4', 'b', 400)).toBe(false);
        await sleep(100);
        expect(await store.claim('k3', 'b', 5_000)).toBe('claimed');
        expect(await store.claim('k4', 'b', 5_000)).toBe('in-flight');
        await store.markDone('k3', 'b', 150);
        expect(await store.claim('k3', 'c', 5_000)).toBe('done');
        await sleep(200);
        expect(await store.claim('k3', 'c', 5_000)).toBe('claimed');
      });

      test('100 concurrent claims of one key: exactly one wins', async () => {
        const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.claim('k5', `t${i}`, 5_000)));
        expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
        expect(results.filter((r) => r === 'in-flight')).toHaveLength(99);
      });

      test('loads its scripts again after SCRIPT FLUSH', async () => {
        await store.claim('k6', 'a', 5_000);
        const admin = ioredis();
        await admin.script('FLUSH');
        expect(await store.markDone('k6', 'a', 5_000)).toBe(true);
        expect(await store.claim('k6', 'b', 5_000)).toBe('done');
      });
    });
  }

  test('two Express replicas (4 and 5) sharing one Redis: concurrent duplicates run the handler once in total', async () => {
    const keyPrefix = prefix();
    const handler = recorder(() => sleep(100));
    const replicas: Running[] = [];
    for (const e of [express, express4] as Array<typeof express>) {
      const app = e();
      app.post('/cb', createCallbackMiddleware({ onCallback: handler.onCallback, store: new RedisStore({ client: ioredis(), prefix: keyPrefix }) }));
      replicas.push(await listen(app));
    }
    servers.push(...replicas);

    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => postJson(`${replicas[i % 2]!.url}/cb`, SAMPLE)));
    expect(handler.calls).toHaveLength(1);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);

    const later = await Promise.all(Array.from({ length: 10 }, (_, i) => postJson(`${replicas[i % 2]!.url}/cb`, SAMPLE)));
    expect(later.map((a) => a.json.status)).toEqual(Array(10).fill('duplicate'));
    expect(handler.calls).toHaveLength(1);
  });

  test('a handler that fails on one replica is retried and processed once on the other', async () => {
    const keyPrefix = prefix();
    const handler = recorder((_c, call) => {
      if (call === 1) throw new Error('first replica fails');
    });
    const replicas: Running[] = [];
    for (let i = 0; i < 2; i += 1) {
      const app = express();
      app.post('/cb', createCallbackMiddleware({ onCallback: handler.onCallback, store: new RedisStore({ client: ioredis(), prefix: keyPrefix }) }));
      replicas.push(await listen(app));
    }
    servers.push(...replicas);
    expect((await postJson(`${replicas[0]!.url}/cb`, SAMPLE)).status).toBe(500);
    expect((await postJson(`${replicas[1]!.url}/cb`, SAMPLE)).json.status).toBe('processed');
    expect((await postJson(`${replicas[0]!.url}/cb`, SAMPLE)).json.status).toBe('duplicate');
    expect(handler.calls).toHaveLength(2);
  });

  describe('while Redis is unreachable', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy(redis().host, redis().port);
    });
    afterAll(() => proxy.close());

    async function receiverThroughProxy(onCallback: NonNullable<Parameters<typeof createCallbackMiddleware>[0]['onCallback']>) {
      const client = ioredis(`redis://127.0.0.1:${proxy.port}`, { retryStrategy: () => 20, maxRetriesPerRequest: null });
      await client.ping();
      const app = express();
      const middleware = createCallbackMiddleware({
        onCallback,
        store: new RedisStore({ client, prefix: prefix() }),
        storeTimeoutMs: 150,
      });
      app.post('/cb', middleware);
      const running = await listen(app);
      servers.push(running);
      return { url: `${running.url}/cb`, middleware };
    }

    async function untilStatus(url: string, status: number): Promise<string[]> {
      const seen: string[] = [];
      const giveUpAt = Date.now() + 8_000;
      for (;;) {
        const answer = await postJson(url, SAMPLE);
        seen.push(`${answer.status} ${answer.json?.status ?? answer.json?.error?.code}`);
        if (answer.status === status) return seen;
        if (Date.now() > giveUpAt) throw new Error(`no ${status} within 8 s; saw ${seen.join(', ')}`);
        await sleep(50);
      }
    }

    test('deliveries get 503 (never a crash), and once Redis is back the callback is processed once', async () => {
      const handler = recorder();
      const r = await receiverThroughProxy(handler.onCallback);
      proxy.cut();
      try {
        const during = await Promise.all(Array.from({ length: 5 }, () => postJson(r.url, SAMPLE)));
        expect(during.map((a) => a.status)).toEqual(Array(5).fill(503));
        expect(during.map((a) => a.json.error.code)).toEqual(Array(5).fill('store_unavailable'));
        expect(handler.calls).toHaveLength(0);
      } finally {
        proxy.restore();
      }
      const seen = await untilStatus(r.url, 200);
      expect(seen.at(-1)).toBe('200 processed');
      await r.middleware.drain();
      expect((await postJson(r.url, SAMPLE)).json.status).toBe('duplicate');
      expect(handler.calls).toHaveLength(1);
    });

    test('Redis lost while the handler runs: 200, duplicates wait, and the done mark lands once it is back', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const handler = recorder(() => gate);
      const r = await receiverThroughProxy(handler.onCallback);
      const first = postJson(r.url, SAMPLE);
      await sleep(100);
      expect(handler.calls).toHaveLength(1);
      proxy.cut();
      try {
        release();
        expect((await first).json.status).toBe('processed');
        const during = await postJson(r.url, SAMPLE);
        expect(during.status).toBe(503);
      } finally {
        proxy.restore();
      }
      await r.middleware.drain();
      const seen = await untilStatus(r.url, 200);
      expect(seen.at(-1)).toBe('200 duplicate');
      expect(handler.calls).toHaveLength(1);
    });
  });
});
