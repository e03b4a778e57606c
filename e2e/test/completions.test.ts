import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildAll } from './helpers.js';
import { describeWithKillableRedis, describeWithRedis, freePort } from './redis.js';

// Waiting on the callback (issue 16), across the BUILT packages and real HTTP: the fake IICS calls back a
// real Express receiver whose middleware publishes to a completion hub, and the client's wait ends on it.
// The fake runs 1000x faster than real time: a 30 s job takes 30 ms.

type Testing = typeof import('@iics-jobs/testing');
type ClientPkg = typeof import('@iics-jobs/client');
type Receiver = typeof import('@iics-jobs/callback-express');
type FakeIics = Awaited<ReturnType<Testing['startFakeIics']>>;
type Hub = ReturnType<Receiver['createCompletionHub']>;
type CallbackUrlResponse = import('@iics-jobs/schema').CallbackUrlResponse;

let testing: Testing;
let clientPkg: ClientPkg;
let receiverPkg: Receiver;
let express: typeof import('express');
let Redis: typeof import('ioredis').Redis;
let createRedisClient: typeof import('redis').createClient;

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

beforeAll(async () => {
  await buildAll();
  testing = await import('@iics-jobs/testing');
  clientPkg = await import('@iics-jobs/client');
  receiverPkg = await import('@iics-jobs/callback-express');
  express = (await import('express')).default as unknown as typeof import('express');
  Redis = (await import('ioredis')).Redis;
  createRedisClient = (await import('redis')).createClient;
}, 180_000);

const TASKS = [
  { name: 'MT_Quick', type: 'MTT', durationMs: 30_000 },
  { name: 'MT_Slow', type: 'MTT', durationMs: 600_000, outcome: 'warning' },
  { name: 'MT_Long', type: 'MTT', durationMs: 3_000_000 },
] as const;

async function fake(): Promise<FakeIics> {
  const server = await testing.startFakeIics({ timeScale: 0.001, tasks: TASKS.map((t) => ({ ...t })) });
  cleanups.push(() => server.close());
  return server;
}

function clientFor(server: FakeIics) {
  const logs: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const client = clientPkg.createIicsClient({
    loginUrl: server.loginUrl,
    ...server.credentials,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  cleanups.push(() => client.close());
  return { client, logs };
}

function hubLogger() {
  const lines: string[] = [];
  const at = (level: string) => (_fields: Record<string, unknown>, message: string) => void lines.push(`${level} ${message}`);
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

/** A receiver replica: a real Express app on 127.0.0.1 whose middleware publishes to `hub`. */
async function receiver(hub: Hub, options: Partial<Parameters<Receiver['createCallbackMiddleware']>[0]> = {}) {
  const secret = randomBytes(18).toString('base64url');
  const handled: CallbackUrlResponse[] = [];
  const app = express();
  app.post(
    '/iics/callback',
    receiverPkg.createCallbackMiddleware({ secret, hub, ...options, onCallback: (callback) => void handled.push(callback) }),
  );
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { handled, callbackURL: receiverPkg.callbackUrl(`http://127.0.0.1:${port}/iics/callback`, { secret }) };
}

function memoryHub(): Hub {
  const hub = receiverPkg.createCompletionHub();
  cleanups.push(() => hub.close());
  return hub;
}

/** The status requests the fake answered: what each poll costs. */
const statusRequests = (server: FakeIics): number =>
  server.requests.filter((r) => r.route === 'activityMonitor' || r.route === 'activityLog').length;

// A wait that misses its callback would sit until the 60 s fallback poll; a timeout says so sooner.
const BOUNDED = { timeoutMs: 20_000 };

describe('jobs.wait / jobs.run with completions (one process)', () => {
  test('callback before the wait: a run whose callback already arrived ends the wait at once, with one status read', async () => {
    const server = await fake();
    const hub = memoryHub();
    const r = await receiver(hub);
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Quick', taskType: 'MTT', callbackURL: r.callbackURL });
    await server.waitForCallbacks();
    expect(r.handled).toHaveLength(1);

    const before = statusRequests(server);
    const result = await client.jobs.wait(started, { completions: hub, ...BOUNDED });
    expect(result).toMatchObject({
      state: 'SUCCESS',
      terminal: true,
      endedBy: 'callback',
      statusRequests: 1,
      callback: { objectId: started.taskId, runId: started.runId, status: 'COMPLETED' },
    });
    // The callback says the run ended, so the one read asks the activity log straight away: one GET.
    expect(server.requests.slice(-1).map((q) => q.route)).toEqual(['activityLog']);
    expect(statusRequests(server) - before).toBe(1);
  });

  test('callback during the wait: jobs.run sends callbackBaseUrl as callbackURL, waits on the callback, then reads SUCCESS vs WARNING once', async () => {
    const server = await fake();
    const hub = memoryHub();
    const r = await receiver(hub);
    const { client } = clientFor(server);
    const result = await client.jobs.run({ taskName: 'MT_Slow', taskType: 'MTT' }, { completions: hub, callbackBaseUrl: r.callbackURL, ...BOUNDED });
    expect(server.runs[0]!.callbackURL).toBe(r.callbackURL);
    // The callback only says COMPLETED; the one status read says WARNING, with rows and times.
    expect(result.callback?.status).toBe('COMPLETED');
    expect(result).toMatchObject({ state: 'WARNING', endedBy: 'callback', statusRequests: 1, source: 'log' });
    expect(result.rows?.failedTargetRows).toBeGreaterThan(0);
    expect(result.endedAt).toBeInstanceOf(Date);
    // Polling at the default 10 s would have read a 10-minute job about 60 times; this one: a single GET of the log.
    expect(server.requests.filter((q) => q.route === 'activityMonitor' || q.route === 'activityLog').map((q) => q.route)).toEqual(['activityLog']);
  });

  test('duplicate callbacks: IICS delivering it three times at once ends every wait once and runs onCallback once', async () => {
    const server = await fake();
    server.faults.duplicateCallbacks(2, 'concurrent');
    const hub = memoryHub();
    const r = await receiver(hub);
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Slow', taskType: 'MTT', callbackURL: r.callbackURL });
    const waits = await Promise.all([1, 2, 3].map(() => client.jobs.wait(started, { completions: hub, ...BOUNDED })));
    await server.waitForCallbacks();
    expect(waits.map((w) => [w.state, w.endedBy, w.statusRequests])).toEqual([
      ['WARNING', 'callback', 1],
      ['WARNING', 'callback', 1],
      ['WARNING', 'callback', 1],
    ]);
    expect(server.runs[0]!.callbackDeliveries.length).toBeGreaterThanOrEqual(3);
    expect(r.handled).toHaveLength(1);
  });

  test('a callback for another run with the same runId (runIds count per task) does not end this wait', async () => {
    const server = await fake();
    const hub = memoryHub();
    const r = await receiver(hub);
    const { client } = clientFor(server);
    const quick = await client.jobs.start({ taskName: 'MT_Quick', taskType: 'MTT', callbackURL: r.callbackURL });
    const slow = await client.jobs.start({ taskName: 'MT_Slow', taskType: 'MTT', callbackURL: r.callbackURL });
    expect([quick.runId, slow.runId]).toEqual([1, 1]);
    const [slowResult, quickResult] = await Promise.all([
      client.jobs.wait(slow, { completions: hub, ...BOUNDED }),
      client.jobs.wait(quick, { completions: hub, ...BOUNDED }),
    ]);
    expect(quickResult).toMatchObject({ state: 'SUCCESS', endedBy: 'callback', callback: { objectId: quick.taskId, runId: 1 } });
    // Had MT_Quick's callback ended it, its one status read would have found MT_Slow still running.
    expect(slowResult).toMatchObject({ state: 'WARNING', endedBy: 'callback', statusRequests: 1, callback: { objectId: slow.taskId, runId: 1 } });
    expect(r.handled.map((c) => c.objectId).sort()).toEqual([quick.taskId, slow.taskId].sort());
  });

  test('no callback at all: without a callbackURL, or with a receiver IICS cannot reach, the fallback polls end the wait', async () => {
    const server = await fake();
    const hub = memoryHub();
    const { client, logs } = clientFor(server);
    const without = await client.jobs.run({ taskName: 'MT_Quick', taskType: 'MTT' }, { completions: hub, fallbackPollIntervalMs: 100, ...BOUNDED });
    expect(without).toMatchObject({ state: 'SUCCESS', endedBy: 'poll' });
    expect(without.callback).toBeUndefined();
    expect(logs.join('\n')).toMatch(/warn jobs\.run got completions but no callbackURL or callbackBaseUrl/);

    const nobody = `http://127.0.0.1:${await freePort()}/iics/callback`;
    const unreachable = await client.jobs.run({ taskName: 'MT_Quick', taskType: 'MTT' }, { completions: hub, callbackBaseUrl: nobody, fallbackPollIntervalMs: 100, ...BOUNDED });
    expect(unreachable).toMatchObject({ state: 'SUCCESS', endedBy: 'poll', runId: 2 });
    expect(server.runs[1]!.callbackURL).toBe(nobody);
  });

  test('abort: the wait stops with IICS_ABORTED naming the run; the job goes on', async () => {
    const server = await fake();
    const hub = memoryHub();
    const r = await receiver(hub);
    const { client } = clientFor(server);
    const controller = new AbortController();
    const waiting = client.jobs.run({ taskName: 'MT_Long', taskType: 'MTT' }, { completions: hub, callbackBaseUrl: r.callbackURL, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const error = await waiting.then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'IICS_ABORTED', taskId: server.tasks[2]!.id, runId: 1 });
    expect(server.runs[0]!.state).toMatch(/QUEUED|INITIALIZED|RUNNING/);
  });

  test('timeout: IICS_WAIT_TIMEOUT carries the runId and the last status, read at the timeout if no poll came yet', async () => {
    const server = await fake();
    const hub = memoryHub();
    const r = await receiver(hub);
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Long', taskType: 'MTT', callbackURL: r.callbackURL });
    await new Promise((resolve) => setTimeout(resolve, 100)); // past its queued 2 fake seconds
    const error = await client.jobs.wait(started, { completions: hub, timeoutMs: 300 }).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'IICS_WAIT_TIMEOUT', taskId: started.taskId, runId: started.runId, timeoutMs: 300 });
    expect((error as { lastStatus?: { state: string } }).lastStatus?.state).toBe('RUNNING');
    expect((error as Error).message).toMatch(/was still RUNNING after 300 ms/);
  });
});

describeWithRedis('completions across replicas on one real Redis', (redis) => {
  test('two replicas: replica A receives the callback, the wait on replica B ends on it (ioredis on A, node-redis on B)', async () => {
    const prefix = `e2e:${randomUUID()}:`;
    const a = new Redis(redis().url);
    const b = createRedisClient({ url: redis().url });
    await b.connect();
    cleanups.push(() => a.quit(), () => b.destroy());
    const hubA = receiverPkg.createCompletionHub({ redis: a, prefix });
    const hubB = receiverPkg.createCompletionHub({ redis: b, prefix });
    cleanups.push(() => hubA.close(), () => hubB.close());
    const server = await fake();
    const replicaA = await receiver(hubA, { store: new receiverPkg.RedisStore({ client: a, prefix }) });
    const { client } = clientFor(server);

    const result = await client.jobs.run({ taskName: 'MT_Slow', taskType: 'MTT' }, { completions: hubB, callbackBaseUrl: replicaA.callbackURL, ...BOUNDED });
    expect(result).toMatchObject({ state: 'WARNING', endedBy: 'callback', statusRequests: 1 });
    expect(replicaA.handled).toHaveLength(1);
    // A third replica that only starts waiting now still gets it, from Redis.
    const lateHub = receiverPkg.createCompletionHub({ redis: a, prefix });
    cleanups.push(() => lateHub.close());
    const late = await clientFor(server).client.jobs.wait(result, { completions: lateHub, ...BOUNDED });
    expect(late).toMatchObject({ state: 'WARNING', endedBy: 'callback', statusRequests: 1 });
  });
});

describeWithKillableRedis('completions when Redis dies', (redis) => {
  test('Redis killed mid-wait: the wait falls back to polling, both logs say so, and the run still ends', async () => {
    const prefix = `e2e:${randomUUID()}:`;
    const quick = { retryStrategy: () => 100, maxRetriesPerRequest: 1 };
    const a = new Redis(redis().url, quick);
    const b = new Redis(redis().url, quick);
    for (const c of [a, b]) c.on('error', () => undefined);
    cleanups.push(() => a.disconnect(), () => b.disconnect());
    const hubA = receiverPkg.createCompletionHub({ redis: a, prefix, redisTimeoutMs: 300 });
    const waiterLog = hubLogger();
    const hubB = receiverPkg.createCompletionHub({ redis: b, prefix, redisTimeoutMs: 300, logger: waiterLog.logger });
    cleanups.push(() => hubA.close(), () => hubB.close());
    const server = await fake();
    const replicaA = await receiver(hubA);
    const { client, logs } = clientFor(server);

    const waiting = client.jobs.run({ taskName: 'MT_Long', taskType: 'MTT' }, { completions: hubB, callbackBaseUrl: replicaA.callbackURL, pollIntervalMs: 200, ...BOUNDED });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis().kill();
    const result = await waiting;
    expect(result).toMatchObject({ state: 'SUCCESS', endedBy: 'poll' });
    // Polling every 200 ms from the kill on (the 60 s fallback interval would have read it once or not at all).
    expect(result.statusRequests).toBeGreaterThanOrEqual(3);
    expect(logs.join('\n')).toMatch(/warn Waiting on the callback of run 1 failed; polling every 200 ms instead .*"error":"[^"]*Redis/);
    expect(waiterLog.lines.join('\n')).toMatch(/warn IICS completion hub lost Redis/);
    // The receiver still processed the callback (its store is in memory); only the hand-over was lost.
    await server.waitForCallbacks();
    expect(replicaA.handled).toHaveLength(1);
    await redis().restart();
  });
});
