import { randomUUID } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { type CallbackLogger, type CompletionHub, createCallbackMiddleware, createCompletionHub, type RedisClientLike, RedisStore } from '../src/index.js';
import { SAMPLE } from './helpers/app.js';
import { postJson } from './helpers/http.js';
import { describeWithKillableRedis, describeWithRedis } from './helpers/redis.js';
import { listen, type Running, sleep, until } from './helpers/server.js';

type Client = RedisClientLike;

/** Connected clients of both kinds, closed after the block. */
function clientPool() {
  const open: Array<() => void> = [];
  afterAll(() => {
    for (const close of open.splice(0)) close();
  });
  return {
    async ioredis(url: string): Promise<Client> {
      // Reconnect quickly after a kill, and fail a command rather than queue it for long.
      const client = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
      client.on('error', () => undefined);
      open.push(() => client.disconnect());
      await client.ping();
      return client;
    },
    async nodeRedis(url: string): Promise<Client> {
      const client = createClient({ url, socket: { reconnectStrategy: () => 50 } });
      client.on('error', () => undefined);
      await client.connect();
      open.push(() => client.destroy());
      return client;
    },
  };
}

async function stateAfter<T>(promise: Promise<T>, ms = 150): Promise<'pending' | 'settled'> {
  return Promise.race([promise.then(() => 'settled' as const, () => 'settled' as const), sleep(ms).then(() => 'pending' as const)]);
}

function recordingLogger() {
  const lines: Array<[string, string]> = [];
  const logger: CallbackLogger = {
    info: (_fields, message) => void lines.push(['info', message]),
    warn: (_fields, message) => void lines.push(['warn', message]),
    error: (_fields, message) => void lines.push(['error', message]),
  };
  return { lines, logger };
}

const FLAVOURS = ['ioredis', 'nodeRedis'] as const;

describeWithRedis('completion hub on a real Redis', (redis) => {
  const clients = clientPool();
  const hubs: CompletionHub[] = [];
  const servers: Running[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await Promise.all(hubs.splice(0).map((h) => h.close()));
  });
  const hubOn = async (flavour: (typeof FLAVOURS)[number], prefix: string) => {
    const hub = createCompletionHub({ redis: await clients[flavour](redis().url), prefix });
    hubs.push(hub);
    return hub;
  };

  for (const flavour of FLAVOURS) {
    test(`over ${flavour}: a callback received by one replica ends a wait on another, and waits that begin later`, async () => {
      const prefix = `test:${randomUUID()}:`;
      const [hubA, hubB] = [await hubOn(flavour, prefix), await hubOn(flavour, prefix)];
      // Replica A receives the callback (its store in the same Redis); replica B only waits.
      const app = express();
      app.post('/cb', createCallbackMiddleware({ hub: hubA, store: new RedisStore({ client: await clients[flavour](redis().url), prefix }) }));
      const replicaA = await listen(app);
      servers.push(replicaA);

      const ref = { taskId: SAMPLE.objectId, runId: SAMPLE.runId };
      const onB = hubB.waitFor(ref);
      const otherRunOnB = hubB.waitFor({ ...ref, runId: SAMPLE.runId + 1 });
      expect(await stateAfter(onB)).toBe('pending');
      expect((await postJson(`${replicaA.url}/cb`, SAMPLE)).status).toBe(200);
      await expect(onB).resolves.toEqual(SAMPLE);
      expect(await stateAfter(otherRunOnB)).toBe('pending');

      // A replica that starts waiting afterwards (a fresh hub: nothing in its memory) reads the key.
      const late = await hubOn(flavour, prefix);
      await expect(late.waitFor(ref)).resolves.toEqual(SAMPLE);
      // Another prefix is another hub: nothing leaks across.
      const elsewhere = await hubOn(flavour, `test:${randomUUID()}:`);
      expect(await stateAfter(elsewhere.waitFor(ref))).toBe('pending');
    });
  }

  test('the key for late waiters is kept 35 minutes, past IICS 30-minute retry window', async () => {
    const prefix = `test:${randomUUID()}:`;
    const hub = await hubOn('ioredis', prefix);
    await hub.publish(SAMPLE);
    const reader = (await clients.ioredis(redis().url)) as Redis;
    const ttl = await reader.pttl(`${prefix}run:${SAMPLE.objectId}:${SAMPLE.runId}`);
    expect(ttl).toBeGreaterThan(34 * 60_000);
    expect(ttl).toBeLessThanOrEqual(35 * 60_000);
  });

  test('a message on the channel that is not a callback is ignored and logged, and ends no wait', async () => {
    const prefix = `test:${randomUUID()}:`;
    const { lines, logger } = recordingLogger();
    const hub = createCompletionHub({ redis: await clients.ioredis(redis().url), prefix, logger });
    hubs.push(hub);
    const wait = hub.waitFor({ taskId: SAMPLE.objectId, runId: SAMPLE.runId });
    expect(await stateAfter(wait)).toBe('pending');
    const publisher = (await clients.ioredis(redis().url)) as Redis;
    await publisher.publish(`${prefix}completed`, '{"objectId": 1}');
    await publisher.publish(`${prefix}completed`, 'not json');
    await until(() => lines.filter(([, m]) => /ignored a message/.test(m)).length === 2, 'both messages to be logged');
    expect(await stateAfter(wait)).toBe('pending');
  });
});

describeWithKillableRedis('completion hub when Redis is killed', (redis) => {
  const clients = clientPool();

  for (const flavour of FLAVOURS) {
    test(`over ${flavour}: Redis killed mid-wait → the wait is handed back (hub_unavailable) and logged; after a restart waits work again`, async () => {
      const prefix = `test:${randomUUID()}:`;
      const { lines, logger } = recordingLogger();
      const hubA = createCompletionHub({ redis: await clients[flavour](redis().url), prefix, logger, redisTimeoutMs: 300 });
      const hubB = createCompletionHub({ redis: await clients[flavour](redis().url), prefix, redisTimeoutMs: 300 });
      const cb = (runId: number): CallbackUrlResponse => ({ ...SAMPLE, runId });
      try {
        // The subscription is live: a callback published by B ends a wait on A.
        const first = hubA.waitFor({ taskId: SAMPLE.objectId, runId: 1 });
        await sleep(50);
        await hubB.publish(cb(1));
        await expect(first).resolves.toMatchObject({ runId: 1 });

        const midWait = hubA.waitFor({ taskId: SAMPLE.objectId, runId: 2 });
        expect(await stateAfter(midWait)).toBe('pending');
        await redis().kill();
        await expect(midWait).rejects.toMatchObject({ name: 'CompletionHubError', code: 'hub_unavailable' });
        expect(lines).toContainEqual(['warn', expect.stringMatching(/lost Redis; the waits in progress fall back to polling/)]);

        // While it is down nothing hangs: a new wait and a publish fail within redisTimeoutMs-ish.
        await expect(hubA.waitFor({ taskId: SAMPLE.objectId, runId: 3 })).rejects.toMatchObject({ code: 'hub_unavailable' });
        await expect(hubB.publish(cb(3))).rejects.toMatchObject({ code: 'hub_unavailable' });

        await redis().restart();
        let runId = 10;
        await until(
          async () => {
            runId += 1;
            const ended = hubA.waitFor({ taskId: SAMPLE.objectId, runId }).then(() => true, () => false);
            const published = await hubB.publish(cb(runId)).then(() => true, () => false);
            return published && (await ended);
          },
          'waits to end on callbacks again after the restart',
          15_000,
        );
        expect(lines.some(([level, m]) => level === 'info' && /reaches Redis again/.test(m))).toBe(true);
      } finally {
        await hubA.close();
        await hubB.close();
      }
    }, 40_000); // a restart under load can take seconds
  }
});
