import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildAll, random, repoRoot } from './helpers.js';
import { describeWithRedis, freePort } from './redis.js';
import { startTcpProxy } from '../../packages/callback-express/test/helpers/tcp-proxy.js';
import { startReplica, type Replica } from './replicas.js';

// Fault injection across the BUILT packages: the fake IICS (@iics-jobs/testing), the client and a real
// Express receiver with our middleware. Each test says which fault it injects and what a user would see.

type Testing = typeof import('@iics-jobs/testing');
type Client = typeof import('@iics-jobs/client');
type Receiver = typeof import('@iics-jobs/callback-express');
type Express = typeof import('express');
type RedisClass = typeof import('ioredis').Redis;
type FakeIics = Awaited<ReturnType<Testing['startFakeIics']>>;
type CallbackUrlResponse = import('@iics-jobs/schema').CallbackUrlResponse;

let testing: Testing;
let clientPkg: Client;
let receiverPkg: Receiver;
let express: Express;
let Redis: RedisClass;

const cleanups: Array<() => Promise<unknown> | unknown> = [];
const totals = { faults: 0, callbacksProcessed: 0, deliveryAttempts: 0 };

beforeAll(async () => {
  await buildAll();
  testing = await import('@iics-jobs/testing');
  clientPkg = await import('@iics-jobs/client');
  receiverPkg = await import('@iics-jobs/callback-express');
  express = (await import('express')).default as unknown as Express;
  Redis = (await import('ioredis')).Redis;
}, 180_000);

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

afterAll(() => {
  console.log(`faults: ${totals.faults} faults injected, ${totals.deliveryAttempts} callback delivery attempts, ${totals.callbacksProcessed} callbacks processed`);
});


async function fake(options: Parameters<Testing['startFakeIics']>[0]): Promise<FakeIics> {
  const server = await testing.startFakeIics(options);
  cleanups.push(() => server.close());
  return server;
}

function clientFor(server: FakeIics, options: Partial<Parameters<Client['createIicsClient']>[0]> = {}) {
  const logs: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const client = clientPkg.createIicsClient({
    loginUrl: server.loginUrl,
    username: server.credentials.username,
    password: server.credentials.password,
    retry: { retries: 6, minDelayMs: 1, maxDelayMs: 10 },
    timeouts: { requestMs: 5_000, loginMs: 5_000, connectMs: 2_000 },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    ...options,
  });
  cleanups.push(() => client.close());
  return { client, logs };
}

interface InProcessReceiver {
  port: number;
  /** What to pass as callbackURL (the secret included). */
  callbackURL: string;
  handled: CallbackUrlResponse[];
  middleware: ReturnType<Receiver['createCallbackMiddleware']>;
  close(): Promise<void>;
}

/** A real Express app with the middleware, on 127.0.0.1 (at `port`, or a free one). */
async function startReceiver(
  options: Partial<Parameters<Receiver['createCallbackMiddleware']>[0]> & { onJobEnd?: (callback: CallbackUrlResponse, attempt: number) => unknown },
  port = 0,
): Promise<InProcessReceiver> {
  const secret = randomBytes(18).toString('base64url');
  const handled: CallbackUrlResponse[] = [];
  const { onJobEnd, ...rest } = options;
  let attempts = 0;
  const middleware = receiverPkg.createCallbackMiddleware({
    secret,
    ...rest,
    onCallback: async (callback) => {
      attempts += 1;
      await onJobEnd?.(callback, attempts);
      handled.push(callback);
      totals.callbacksProcessed += 1;
    },
  });
  const app = express();
  app.post('/iics/callback', middleware);
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const receiver: InProcessReceiver = {
    port: actual,
    callbackURL: receiverPkg.callbackUrl(`http://127.0.0.1:${actual}/iics/callback`, { secret }),
    handled,
    middleware,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  cleanups.push(() => receiver.close());
  return receiver;
}

function countFaults(server: FakeIics): number {
  return server.requests.filter((r) => r.dropped || (r.status ?? 0) >= 500 || r.status === 429 || r.status === 401).length;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > giveUpAt) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the client against a failing IICS', () => {
  test('sessions that expire during a long wait: the client logs in again each time and the run ends SUCCESS (v2 and v3)', async () => {
    // 1000x: a 25-minute job, sessions idle out after one fake minute, polls 150 fake seconds apart.
    const server = await fake({
      timeScale: 0.001,
      sessionIdleMs: 60_000,
      tasks: [
        { name: 'MT_Long_V2', type: 'MTT', queuedMs: 0, durationMs: 1_500_000 },
        { name: 'MT_Long_V3', type: 'MTT', queuedMs: 0, durationMs: 1_500_000 },
      ],
    });
    const receiver = await startReceiver({});
    const results = await Promise.all(
      (['v2', 'v3'] as const).map(async (apiVersion) => {
        const { client, logs } = clientFor(server, { apiVersion });
        let expired = false;
        const final = await client.jobs.run(
          { taskName: `MT_Long_${apiVersion.toUpperCase()}`, taskType: 'MTT', callbackURL: receiver.callbackURL },
          {
            pollIntervalMs: 150,
            timeoutMs: 20_000,
            onUpdate: (status) => {
              if (!expired && status.state === 'RUNNING') {
                expired = true;
                server.faults.expireSessions();
              }
            },
          },
        );
        return { final, relogins: logs.filter((l) => l.includes('logging in again')).length };
      }),
    );
    await server.waitForCallbacks();
    for (const { final, relogins } of results) {
      expect(final.state).toBe('SUCCESS');
      expect(relogins).toBeGreaterThanOrEqual(5);
    }
    const refused = server.requests.filter((r) => r.status === 401).length;
    expect(refused).toBeGreaterThanOrEqual(10);
    expect(server.requests.filter((r) => r.route === 'loginV2' || r.route === 'loginV3').length).toBeGreaterThanOrEqual(refused);
    expect(receiver.handled.map((c) => c.status).sort()).toEqual(['COMPLETED', 'COMPLETED']);
    totals.faults += refused + 1;
  });

  test('5xx and 429 storms and dropped connections throughout polling: the wait rides them out, the callback is processed once', async () => {
    const server = await fake({ timeScale: 0.001, tasks: [{ name: 'MT_Stormy', type: 'MTT', queuedMs: 20_000, durationMs: 400_000 }] });
    const receiver = await startReceiver({});
    const { client, logs } = clientFor(server);
    const next = random(7);
    const statuses = [500, 502, 503, 504, 429] as const;
    const pick = () => statuses[Math.floor(next() * statuses.length)]!;
    server.faults.failNext('loginV2', 2, 503);
    server.faults.duplicateCallbacks(2, 'concurrent');
    let updates = 0;
    const final = await client.jobs.run(
      { taskName: 'MT_Stormy', taskType: 'MTT', callbackURL: receiver.callbackURL },
      {
        pollIntervalMs: 5,
        timeoutMs: 30_000,
        onUpdate: () => {
          updates += 1;
          // Each poll meets a new storm on the monitor; the log gets one long storm once the run leaves it.
          const roll = next();
          if (roll < 0.45) server.faults.failNext('activityMonitor', 1 + Math.floor(next() * 3), pick());
          else if (roll < 0.75) server.faults.dropNext('activityMonitor', 1 + Math.floor(next() * 2));
          else if (roll < 0.9) {
            server.faults.failNext('activityMonitor', 1, pick());
            server.faults.dropNext('activityMonitor', 1);
          }
          if (updates === 1) {
            server.faults.failNext('activityLog', 3, 429);
            server.faults.dropNext('activityLog', 1);
            server.faults.failNext('activityLog', 1, 502);
          }
        },
      },
    );
    await server.waitForCallbacks();
    expect(final.state).toBe('SUCCESS');
    const faults = countFaults(server);
    console.log('DBG', updates, JSON.stringify(server.requests.map((r) => `${r.route}:${r.status ?? (r.dropped ? 'drop' : r.aborted ? 'abort' : '?')}`)));
    expect(server.requests.filter((r) => r.dropped).length).toBeGreaterThanOrEqual(5);
    expect(server.requests.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
    expect(faults).toBeGreaterThanOrEqual(20);
    expect(logs.filter((l) => l.startsWith('warn') && l.includes('retry')).length).toBe(faults);
    // Three concurrent deliveries of the same callback: all answered 200 in the end, processed once.
    const run = server.runs[0]!;
    expect(new Set(run.callbackDeliveries.map((d) => d.delivery))).toEqual(new Set([0, 1, 2]));
    expect(run.callbackDelivered).toBe(true);
    expect(receiver.handled).toHaveLength(1);
    totals.faults += faults + 2;
    totals.deliveryAttempts += run.callbackDeliveries.length;
  });

  test('an abort during the wait: IICS_ABORTED at once, no more requests, and the job and its callback go on', async () => {
    const server = await fake({ timeScale: 0.001, tasks: [{ name: 'MT_Abort', type: 'MTT', queuedMs: 0, durationMs: 600_000 }] });
    const receiver = await startReceiver({});
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Abort', taskType: 'MTT', callbackURL: receiver.callbackURL });
    const controller = new AbortController();
    const waiting = client.jobs.wait(started, {
      pollIntervalMs: 10,
      signal: controller.signal,
      onUpdate: (status) => {
        if (status.state === 'RUNNING' && !controller.signal.aborted) {
          // The next poll hangs in a slow monitor request; the abort must end it, not wait for it.
          server.faults.latency('activityMonitor', 30_000);
          setTimeout(() => controller.abort(new Error('operator pressed stop')), 30);
        }
      },
    });
    const error = (await waiting.catch((e: unknown) => e)) as InstanceType<Client['IicsAbortedError']>;
    expect(error).toBeInstanceOf(clientPkg.IicsAbortedError);
    expect(error).toMatchObject({ code: 'IICS_ABORTED', taskId: started.taskId, runId: started.runId });
    expect(error.lastStatus?.state).toBe('RUNNING');
    server.faults.reset();
    const sent = server.requests.filter((r) => r.route === 'activityMonitor').length;
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests.filter((r) => r.route === 'activityMonitor').length).toBe(sent);
    const run = await server.waitForRun(started.taskId, started.runId);
    await server.waitForCallbacks();
    expect(run.state).toBe('SUCCESS');
    expect(receiver.handled).toHaveLength(1);
    totals.faults += 2;
  });

  test('the iics-job CLI interrupted by SIGTERM during its wait exits 130, logs out, and the job goes on', async () => {
    const server = await fake({ timeScale: 0.001, tasks: [{ name: 'MT_Cli', type: 'MTT', queuedMs: 0, durationMs: 3_000_000 }] });
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'packages/client/dist/cli.js'), 'run', '--task-name', 'MT_Cli', '--task-type', 'MTT', '--poll-interval', '20ms', '--json'],
      {
        env: { ...process.env, IICS_LOGIN_URL: server.loginUrl, IICS_USERNAME: server.credentials.username, IICS_PASSWORD: server.credentials.password },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await until(() => /"state":"RUNNING"/.test(stdout), 'the CLI to report RUNNING');
    child.kill('SIGTERM');
    expect(await exited, stdout + stderr).toBe(130);
    expect(server.requests.some((r) => r.route === 'logout')).toBe(true);
    expect(server.runs[0]!.state).toBe('RUNNING');
    totals.faults += 1;
  });
});

describe('the receiver, as IICS delivers to it', () => {
  test('the receiver is down for 10 fake minutes: IICS keeps retrying and the callback is processed once when it is back', async () => {
    const server = await fake({ timeScale: 0.001, tasks: [{ name: 'MT_Down', type: 'MTT', queuedMs: 0, durationMs: 10_000 }] });
    const port = await freePort();
    // The URL points at a port nothing listens on yet: every attempt is refused.
    const secret = 'down-for-ten-minutes';
    const { client } = clientFor(server);
    const started = await client.jobs.start({
      taskName: 'MT_Down',
      taskType: 'MTT',
      callbackURL: receiverPkg.callbackUrl(`http://127.0.0.1:${port}/iics/callback`, { secret }),
    });
    const run = () => server.runs.find((r) => r.runId === started.runId)!;
    await until(() => run().callbackDeliveries.length > 0, 'the first delivery attempt');
    const firstAt = run().callbackDeliveries[0]!.at;
    const handled: CallbackUrlResponse[] = [];
    const middleware = receiverPkg.createCallbackMiddleware({ secret, onCallback: (c) => void handled.push(c) });
    const app = express();
    app.post('/iics/callback', middleware);
    const receiverServer = createServer(app);
    cleanups.push(() => new Promise<void>((resolve) => (receiverServer.listening ? receiverServer.close(() => resolve()) : resolve())));
    // On the fake clock, which cannot run past a timer that has not fired: the receiver is up at exactly
    // ten fake minutes (binding an IP address is synchronous), however busy the machine is.
    server.clock.setTimeout(() => receiverServer.listen(port, '127.0.0.1'), firstAt + 10 * 60_000 - server.clock.now());
    await server.waitForCallbacks();

    const attempts = run().callbackDeliveries;
    const failed = attempts.filter((a) => a.status !== 200);
    expect(run().callbackDelivered).toBe(true);
    expect(failed.every((a) => a.error === 'ECONNREFUSED' && a.elapsedMs < 10 * 60_000)).toBe(true);
    // IICS's schedule: 0, 0, 0, 30 s, 90 s, 210 s, 390 s, 570 s down; 750 s is the first after ten minutes.
    expect(attempts.map((a) => a.elapsedMs / 1000)).toEqual([0, 0, 0, 30, 90, 210, 390, 570, 750]);
    expect(handled).toHaveLength(1);
    totals.faults += failed.length;
    totals.deliveryAttempts += attempts.length;
    totals.callbacksProcessed += handled.length;
  });

  test('the handler throws on the first two attempts: IICS gets 500, 500, then 200, and the outcome is recorded once', async () => {
    const server = await fake({ timeScale: 0.001, tasks: [{ name: 'MT_Flaky', type: 'MTT', queuedMs: 0, durationMs: 10_000, outcome: 'failed' }] });
    const outcomes: string[] = [];
    const receiver = await startReceiver({
      onJobEnd: (callback, attempt) => {
        if (attempt <= 2) throw new Error(`database unavailable (attempt ${attempt})`);
        outcomes.push(`${callback.objectId}:${callback.runId}:${callback.status}`);
      },
    });
    const { client } = clientFor(server);
    const final = await client.jobs.run({ taskName: 'MT_Flaky', taskType: 'MTT', callbackURL: receiver.callbackURL }, { pollIntervalMs: 5, timeoutMs: 20_000 });
    await server.waitForCallbacks();
    expect(final.state).toBe('FAILED');
    const attempts = server.runs[0]!.callbackDeliveries;
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(outcomes).toEqual([`${final.taskId}:${final.runId}:FAILED`]);
    // IICS delivering it once more later: a duplicate, not a second outcome.
    const again = await testing.deliverCallback(receiver.callbackURL, receiver.handled[0], { schedule: [] });
    expect(again.delivered).toBe(true);
    expect(outcomes).toHaveLength(1);
    totals.faults += 2;
    totals.deliveryAttempts += attempts.length + 1;
  });
});

describeWithRedis('the receiver with RedisStore', (redis) => {
  let direct: InstanceType<RedisClass>;
  beforeAll(() => {
    direct = new Redis(redis().url);
  });
  afterAll(async () => {
    await direct.quit();
  });

  async function processedCount(prefix: string): Promise<{ count: number; keys: string[] }> {
    const [count, keys] = await Promise.all([direct.get(`${prefix}processed-count`), direct.smembers(`${prefix}processed-keys`)]);
    return { count: Number(count ?? 0), keys };
  }

  test('a receiver process restarted after it processed a callback: the retry IICS sends to the new process is a duplicate', async () => {
    const prefix = `restart-a-${randomBytes(4).toString('hex')}:`;
    const secret = randomBytes(18).toString('base64url');
    const env = { REDIS_URL: redis().url, RECEIVER_PREFIX: prefix, RECEIVER_SECRET: secret, RECEIVER_NAME: 'first' };
    const first = await startReplica(env);
    cleanups.push(() => first.stop('SIGKILL'));
    const server = await fake({ timeScale: 0.001, tasks: [{ name: 'MT_Restart', type: 'MTT', queuedMs: 0, durationMs: 10_000 }] });
    const { client } = clientFor(server);
    const callbackURL = receiverPkg.callbackUrl(first.url, { secret });
    const final = await client.jobs.run({ taskName: 'MT_Restart', taskType: 'MTT', callbackURL }, { pollIntervalMs: 5, timeoutMs: 20_000 });
    await server.waitForCallbacks();
    expect(server.runs[0]!.callbackDelivered).toBe(true);

    await first.stop('SIGKILL');
    const second = await startReplica({ ...env, RECEIVER_NAME: 'second' }, { port: first.port });
    cleanups.push(() => second.stop());
    const payload = { '@type': 'callbackUrlResponse', objectId: final.taskId, runId: final.runId, status: 'COMPLETED' };
    const again = await testing.deliverCallback(callbackURL, payload, { timeScale: 0.001 });
    expect(again.delivered).toBe(true);
    expect(await processedCount(prefix)).toEqual({ count: 1, keys: [`${final.taskId}:${final.runId}:COMPLETED`] });
    expect(second.events.filter((e) => e.event === 'handler-start')).toHaveLength(0);
    totals.faults += 1;
    totals.callbacksProcessed += 1;
    totals.deliveryAttempts += server.runs[0]!.callbackDeliveries.length + again.attempts.length;
  });

  test('a receiver process killed in the middle of its handler: the new process on the same port processes the callback once, after the lease', async () => {
    const prefix = `restart-b-${randomBytes(4).toString('hex')}:`;
    const secret = randomBytes(18).toString('base64url');
    const env = { REDIS_URL: redis().url, RECEIVER_PREFIX: prefix, RECEIVER_SECRET: secret, HANDLER_TIMEOUT_MS: '100', LEASE_MS: '3000' };
    // The first process's handler takes 10 s: it answers 503 at 100 ms and is killed before it finishes.
    const first = await startReplica({ ...env, RECEIVER_NAME: 'first', HANDLER_DELAY_MS: '10000' });
    cleanups.push(() => first.stop('SIGKILL'));
    // 200x: IICS's 30-minute window lasts 9 s real, long enough for the 3 s lease to run out inside it,
    // with attempts at 1.95 s and 2.85 s to meet the new process while the dead one's lease still holds.
    const server = await fake({ timeScale: 0.005, tasks: [{ name: 'MT_Crash', type: 'MTT', queuedMs: 0, durationMs: 10_000 }] });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Crash', taskType: 'MTT', callbackURL: receiverPkg.callbackUrl(first.url, { secret }) });
    await first.waitFor((e) => e.event === 'handler-start', 'the handler to start');
    await first.stop('SIGKILL');
    let second: Replica | undefined;
    cleanups.push(() => second?.stop());
    second = await startReplica({ ...env, RECEIVER_NAME: 'second' }, { port: first.port });
    await server.waitForCallbacks();

    const run = server.runs.find((r) => r.runId === started.runId)!;
    const statuses = run.callbackDeliveries.map((a) => a.status ?? a.error);
    expect(run.callbackDelivered, JSON.stringify(statuses)).toBe(true);
    // The first attempt met the dying process: its 503 (handler timeout), or a reset if the kill came first.
    expect([503, 'ECONNRESET']).toContain(statuses[0]);
    expect(statuses.at(-1)).toBe(200);
    // While the dead process's lease lasted, the new one refused to run the handler a second time.
    expect(statuses).toContain(409);
    expect(await processedCount(prefix)).toEqual({ count: 1, keys: [`${started.taskId}:${started.runId}:COMPLETED`] });
    expect(second.events.filter((e) => e.event === 'handler-start')).toHaveLength(1);
    totals.faults += 1 + statuses.filter((s) => s !== 200).length;
    totals.deliveryAttempts += statuses.length;
    totals.callbacksProcessed += 1;
  });

  test('Redis unreachable: the receiver answers 503 so IICS retries, recovers when Redis is back, and never processes twice', async () => {
    const relay = await startTcpProxy(redis().host, redis().port);
    cleanups.push(() => relay.close());
    const viaRelay = new Redis({ host: '127.0.0.1', port: relay.port, retryStrategy: () => 20, maxRetriesPerRequest: null });
    viaRelay.on('error', () => undefined);
    cleanups.push(() => viaRelay.disconnect());
    const prefix = `outage-${randomBytes(4).toString('hex')}:`;
    let holdNext = false;
    let release: (() => void) | undefined;
    const receiver = await startReceiver({
      store: new receiverPkg.RedisStore({ client: viaRelay, prefix }),
      storeTimeoutMs: 150,
      onJobEnd: async () => {
        if (!holdNext) return;
        holdNext = false;
        await new Promise<void>((resolve) => (release = resolve));
      },
    });

    // Phase 1: Redis is gone before the job ends; IICS retries until ten fake minutes later it is back.
    const server = await fake({ timeScale: 0.001, tasks: [{ name: 'MT_Outage', type: 'MTT', queuedMs: 0, durationMs: 10_000 }] });
    const { client } = clientFor(server);
    relay.cut();
    const started = await client.jobs.start({ taskName: 'MT_Outage', taskType: 'MTT', callbackURL: receiver.callbackURL });
    const run = () => server.runs.find((r) => r.runId === started.runId)!;
    await until(() => run().callbackDeliveries.length > 0, 'the first delivery attempt');
    const firstAt = run().callbackDeliveries[0]!.at;
    server.clock.setTimeout(() => relay.restore(), firstAt + 10 * 60_000 - server.clock.now());
    await server.waitForCallbacks();
    const statuses = run().callbackDeliveries.map((a) => a.status ?? a.error);
    expect(run().callbackDelivered, JSON.stringify(statuses)).toBe(true);
    expect(statuses.filter((s) => s === 503).length, JSON.stringify(statuses)).toBeGreaterThanOrEqual(3);
    expect(statuses.at(-1)).toBe(200);
    expect(receiver.handled).toHaveLength(1);
    const key = `${started.taskId}:${started.runId}:COMPLETED`;

    // Phase 2: Redis goes away while the handler runs, so the done mark cannot be written. The answer is
    // still the handler's 200, the mark is written once Redis is back, and retries meanwhile never run it again.
    const payload = { '@type': 'callbackUrlResponse', objectId: 'phase2-task', runId: 1, status: 'COMPLETED' };
    holdNext = true;
    const delivering = testing.deliverCallback(receiver.callbackURL, payload, { schedule: [] });
    await until(() => release !== undefined, 'the second handler to start');
    expect(await direct.get(`${prefix}phase2-task:1:COMPLETED`)).toMatch(/^c:/);
    relay.cut();
    release!();
    const answered = await delivering;
    expect(answered.attempts.map((a) => a.status)).toEqual([200]);
    const during = await testing.deliverCallback(receiver.callbackURL, payload, { schedule: [] });
    expect(during.attempts.map((a) => a.status)).toEqual([503]);
    relay.restore();
    await until(async () => (await direct.get(`${prefix}phase2-task:1:COMPLETED`))?.startsWith('d:') ?? false, 'the done mark after Redis came back');
    const after = await testing.deliverCallback(receiver.callbackURL, payload, { schedule: [] });
    expect(after.attempts.map((a) => a.status)).toEqual([200]);
    expect(receiver.handled.map((c) => `${c.objectId}:${c.runId}:${c.status}`)).toEqual([key, 'phase2-task:1:COMPLETED']);
    expect(await direct.get(`${prefix}${key}`)).toMatch(/^d:/);
    totals.faults += 2 + statuses.filter((s) => s !== 200).length + 1;
    totals.deliveryAttempts += statuses.length + 3;
  });
});
