import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildAll, random } from './helpers.js';
import { describeWithRedis } from './redis.js';
import { startReplica, type Replica } from './replicas.js';

// Soak: many callbacks, about 30% of them delivered twice (some at the same moment, to the other
// replica), through IICS's delivery policy to two receiver processes sharing one Redis.
// IICS_SOAK_CALLBACKS=100000 for a longer run; the default keeps the file to a few seconds.
const DELIVERIES = Number(process.env.IICS_SOAK_CALLBACKS) > 0 ? Math.floor(Number(process.env.IICS_SOAK_CALLBACKS)) : 10_000;
const DUPLICATE_SHARE = 0.3;
const CONCURRENCY = 64;
const WARM_UP = Math.min(500, Math.floor(DELIVERIES / 10));
const MB = 1024 * 1024;

type Testing = typeof import('@iics-jobs/testing');
type RedisClass = typeof import('ioredis').Redis;
let testing: Testing;
let Redis: RedisClass;

beforeAll(async () => {
  await buildAll();
  testing = await import('@iics-jobs/testing');
  Redis = (await import('ioredis')).Redis;
}, 180_000);


interface Delivery {
  payload: { '@type': string; objectId: string; objectName: string; runId: number; status: string; endTime: string };
  replica: number;
}

/** `distinct` callbacks and `total - distinct` second deliveries of them, a third of those right behind the first. */
function plan(total: number, seed: number): { deliveries: Delivery[]; distinct: number } {
  const next = random(seed);
  const distinct = Math.round(total * (1 - DUPLICATE_SHARE));
  const callbacks = Array.from({ length: distinct }, (_, i) => ({
    '@type': 'callbackUrlResponse',
    // Runs of many tasks; runIds count per task, so the same runId recurs under different objectIds.
    objectId: `0100000Z0000000000${String(i % 97).padStart(2, '0')}`,
    objectName: `MT_Soak_${i % 97}`,
    runId: Math.floor(i / 97) + 1,
    status: i % 11 === 0 ? 'FAILED' : 'COMPLETED',
    endTime: '2026-03-01T02:00:00.000Z',
  }));
  const order: Delivery[] = callbacks.map((payload, i) => ({ payload, replica: i % 2 }));
  // Fisher-Yates with the seeded generator: the same interleaving on every run.
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const deliveries: Delivery[] = [...order];
  for (let d = 0; d < total - distinct; d += 1) {
    const original = Math.floor(next() * order.length);
    const copy = { payload: order[original]!.payload, replica: 1 - order[original]!.replica };
    if (d % 3 === 0) {
      // Right behind the first delivery, to the other replica: the two race for the claim.
      const at = deliveries.indexOf(order[original]!) + 1;
      deliveries.splice(at, 0, copy);
    } else {
      deliveries.splice(Math.floor(next() * (deliveries.length + 1)), 0, copy);
    }
  }
  return { deliveries, distinct };
}

describeWithRedis('soak', (redis) => {
  const replicas: Replica[] = [];
  let direct: InstanceType<RedisClass>;
  const prefix = `soak-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    direct = new Redis(redis().url);
    for (const name of ['replica-a', 'replica-b']) {
      // A handler that takes 0-2 ms widens the window in which two deliveries race.
      replicas.push(await startReplica({ REDIS_URL: redis().url, RECEIVER_PREFIX: prefix, RECEIVER_NAME: name, HANDLER_JITTER_MS: '3' }, { exposeGc: true }));
    }
  }, 30_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await direct?.quit();
  });

  test(`${DELIVERIES} callbacks, ${Math.round(DUPLICATE_SHARE * 100)}% duplicates, ${CONCURRENCY} at a time to two replicas: each processed once, memory bounded`, async () => {
    const { deliveries, distinct } = plan(DELIVERIES, 20260301);
    const statuses = new Map<string, number>();
    let failed = 0;
    let cursor = 0;
    const send = async (until: number): Promise<void> => {
      const worker = async (): Promise<void> => {
        while (cursor < until) {
          const delivery = deliveries[cursor++]!;
          // IICS's own policy at 1000x: 409 (in flight on the other replica) and 503 are retried.
          const result = await testing.deliverCallback(replicas[delivery.replica]!.url, delivery.payload, { timeScale: 0.001 });
          for (const attempt of result.attempts) {
            const key = String(attempt.status ?? attempt.error);
            statuses.set(key, (statuses.get(key) ?? 0) + 1);
          }
          if (!result.delivered) failed += 1;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };

    const before = await Promise.all(replicas.map((r) => r.stats()));
    await send(WARM_UP);
    const warm = await Promise.all(replicas.map((r) => r.stats()));
    await send(deliveries.length);
    const after = await Promise.all(replicas.map((r) => r.stats()));

    const [count, members] = await Promise.all([direct.get(`${prefix}processed-count`), direct.scard(`${prefix}processed-keys`)]);
    const processed = after.reduce((sum, s) => sum + s.processed, 0);
    const growth = after.map((s, i) => ({
      heapMb: (s.memory.heapUsed - warm[i]!.memory.heapUsed) / MB,
      rssMb: (s.memory.rss - warm[i]!.memory.rss) / MB,
      heapSinceStartMb: (s.memory.heapUsed - before[i]!.memory.heapUsed) / MB,
    }));
    console.log(
      `soak: ${deliveries.length} deliveries (${distinct} distinct), ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')} attempts; ` +
        `processed ${processed} (${after.map((s) => s.processed).join(' + ')}); memory growth per replica after warm-up: ` +
        growth.map((g) => `heap ${g.heapMb.toFixed(1)} MB, rss ${g.rssMb.toFixed(1)} MB`).join('; '),
    );

    expect(failed).toBe(0);
    expect(Number(count)).toBe(distinct);
    expect(members).toBe(distinct);
    expect(processed).toBe(distinct);
    // Both replicas did real work, and the duplicates did reach the other replica while in flight.
    for (const s of after) expect(s.processed).toBeGreaterThan(distinct / 4);
    expect(statuses.get('200')).toBe(deliveries.length);
    for (const g of growth) {
      expect(g.heapMb).toBeLessThan(100);
      expect(g.rssMb).toBeLessThan(100);
      expect(g.heapSinceStartMb).toBeLessThan(100);
    }
  }, 110_000);
});
