// Benchmark 1: callback receiver throughput, p99 latency and CPU per request under autocannon (in
// this process) against receivers in child processes, all on 127.0.0.1.
import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startChild } from './lib/child.mjs';
import { RedisUnavailableError, startRedis } from './lib/redis.mjs';
import { median, percentile, rotation } from './lib/stats.mjs';
import { cpuPer, pairedRatio, row, skippedRow } from './lib/table.mjs';

const SERVER = fileURLToPath(new URL('./servers/receiver-server.mjs', import.meta.url));
export const RECEIVER_VARIANTS = ['bare', 'memory', 'memory-otel', 'redis', 'handwritten', 'octokit'];
export const OCTOKIT_SECRET = randomBytes(16).toString('hex');
/** The loads: a server variant and what it is sent. `dedupes`: the server runs its handler once per distinct callback. */
const CASES = {
  bare: { server: 'bare', label: '(a) express.json() + 200', dedupes: false },
  memory: { server: 'memory', label: '(b) ours, MemoryStore', dedupes: true },
  'memory-otel': { server: 'memory-otel', label: '(b) ours, MemoryStore, with an @iics-jobs/otel subscriber', dedupes: true },
  'memory-dup': { server: 'memory', label: '(b) ours, MemoryStore, 30 % duplicates', dedupes: true, duplicates: 0.3 },
  redis: { server: 'redis', label: '(c) ours, RedisStore', dedupes: true },
  handwritten: { server: 'handwritten', label: '(d) express.json() + Ajv + Set', dedupes: true },
  octokit: { server: 'octokit', label: '(e) @octokit/webhooks createNodeMiddleware', dedupes: false, sign: true },
};

export function settings(quick) {
  return quick
    ? { connections: 32, warmupS: 0.3, durationS: 0.7, rounds: 1 }
    : { connections: 32, warmupS: 1, durationS: 3, rounds: 9 };
}

/**
 * One autocannon run; `next()` gives each request's body (and headers, for a signed case). Every
 * request carries a callback never sent before, except the share `duplicates` of a case that repeats
 * one answered long before (IICS's retries, and the cheap path of a dedupe store).
 */
export async function load(url, { connections, durationS, next }) {
  const latencies = [];
  let ok = 0;
  let other = 0;
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    pipelining: 1,
    duration: durationS,
    timeout: 10,
    requests: [
      {
        setupRequest(request) {
          const { body, headers } = next();
          request.body = body;
          if (headers) request.headers = { ...request.headers, ...headers };
          return request;
        },
      },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode === 200) {
      ok += 1;
      latencies.push(responseTime);
    } else other += 1;
  });
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    rps: ok / seconds,
    p99Ms: percentile(latencies, 99),
    p50Ms: percentile(latencies, 50),
    ok,
    non200: other,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/**
 * A source of request bodies: `next()` → { body, headers? }; `unique` counts the distinct callbacks
 * handed out. Duplicates repeat the callback of 512 requests before (long answered with 32 connections).
 */
export function callbackBodies({ duplicates = 0, sign = false } = {}) {
  // A fresh objectId per source and a counter per request: every callback is new to every store.
  const objectId = `0119Y4${randomBytes(7).toString('hex').toUpperCase()}`;
  const ring = new Array(1024);
  let runId = 0;
  let sent = 0;
  const source = {
    unique: 0,
    next() {
      sent += 1;
      let body;
      if (duplicates > 0 && sent > 600 && (sent % 100) / 100 < duplicates) {
        body = ring[(sent - 512) & 1023];
      } else {
        source.unique += 1;
        body = `{"@type":"callbackUrlResponse","endTime":"2024-02-27T18:57:52.000Z","objectId":"${objectId}","objectName":"MT_Load_Orders","runId":${++runId},"status":"COMPLETED"}`;
      }
      ring[sent & 1023] = body;
      if (!sign) return { body };
      return {
        body,
        headers: {
          'x-github-event': 'workflow_run',
          'x-github-delivery': `${objectId}-${sent}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', OCTOKIT_SECRET).update(body).digest('hex')}`,
        },
      };
    },
  };
  return source;
}

export async function runReceiverBench({ quick = false, log = () => {} } = {}) {
  const s = settings(quick);
  // Without Redis (outside CI) the RedisStore variant is left out and its row says why; startRedis
  // throws a plain error under CI=true, and for a redis-server that fails to start.
  let redis;
  let skipped;
  try {
    redis = await startRedis();
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    skipped = error.message;
    log(`  1 ${CASES.redis.label}: SKIPPED, ${skipped}`);
  }
  const variants = RECEIVER_VARIANTS.filter((v) => v !== 'redis' || redis);
  const servers = {};
  const caseNames = Object.keys(CASES).filter((c) => variants.includes(CASES[c].server));
  try {
    for (const variant of variants) {
      servers[variant] = await startChild(SERVER, { args: [variant], env: { ...process.env, ...(redis ? { REDIS_URL: redis.url } : {}), OCTOKIT_SECRET } });
    }
    const sources = Object.fromEntries(caseNames.map((c) => [c, callbackBodies(CASES[c])]));
    const measure = async (name, durationS) => {
      const c = CASES[name];
      const server = servers[c.server];
      const source = sources[name];
      const uniqueBefore = source.unique;
      const before = await server.call('stats');
      const result = await load(server.info.url, { connections: s.connections, durationS, next: source.next });
      const after = await server.call('stats');
      result.handled = after.handled - before.handled;
      result.unique = source.unique - uniqueBefore;
      result.cpuUsPerRequest = (after.cpuUs - before.cpuUs) / Math.max(1, result.ok);
      return result;
    };
    for (const name of caseNames) await measure(name, s.warmupS);
    const runs = Object.fromEntries(caseNames.map((c) => [c, []]));
    for (let r = 0; r < s.rounds; r++) {
      for (const name of rotation(caseNames, r)) {
        const result = await measure(name, s.durationS);
        runs[name].push(result);
        log(
          `  1 ${CASES[name].label}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ` +
            `${result.cpuUsPerRequest.toFixed(0)} µs CPU/request (round ${r + 1})`,
        );
      }
    }
    const summary = {};
    const problems = [];
    for (const name of caseNames) {
      const c = CASES[name];
      const list = runs[name];
      // Every answered callback must have run the handler once: a receiver that answered from its dedupe
      // store would look fast for nothing. Requests in flight when autocannon stops are handled but not
      // counted: at most one per connection.
      const expected = (x) => (c.dedupes ? Math.min(x.unique, x.ok) : x.ok);
      const mismatch = list.filter((x) =>
        c.dedupes && c.duplicates ? x.handled > x.unique || x.handled < x.unique - 2 * s.connections : x.handled < expected(x) || x.handled - expected(x) > s.connections,
      ).length;
      summary[name] = {
        label: c.label,
        rps: median(list.map((x) => x.rps)),
        p99Ms: median(list.map((x) => x.p99Ms)),
        p50Ms: median(list.map((x) => x.p50Ms)),
        cpuUsPerRequest: median(list.map((x) => x.cpuUsPerRequest)),
        non200: list.reduce((n, x) => n + x.non200 + x.errors, 0),
        handledMismatch: mismatch,
        runs: list,
      };
      if (summary[name].non200 > 0) problems.push(`${c.label}: ${summary[name].non200} answers were not 200 or failed`);
      if (mismatch > 0) problems.push(`${c.label}: in ${mismatch} run(s) the handler calls did not match the answered callbacks`);
    }
    const field = (name, f) => runs[name].map((x) => x[f]);
    const paired = (a, b, f) => pairedRatio(field(a, f), field(b, f));
    const cpu = (a, b) => cpuPer(field(a, 'cpuUsPerRequest'), field(b, 'cpuUsPerRequest'), 'request');
    const sm = summary;
    const rows = [
      row('1', 'receiver req/s: (b) ours+MemoryStore / (a) bare express.json()', sm.memory.rps, sm.bare.rps, 'req/s', '>=', 0.9, {
        ratio: paired('memory', 'bare', 'rps'),
        cpu: cpu('memory', 'bare'),
      }),
      row('1', 'receiver CPU µs/request: (b) ours+MemoryStore / (a) bare', sm.memory.cpuUsPerRequest, sm.bare.cpuUsPerRequest, 'µs', '<=', 1.15, {
        ratio: paired('memory', 'bare', 'cpuUsPerRequest'),
      }),
      row('1', 'receiver req/s: (b) ours+MemoryStore / (e) @octokit/webhooks', sm.memory.rps, sm.octokit.rps, 'req/s', '>=', 1.0, {
        ratio: paired('memory', 'octokit', 'rps'),
        cpu: cpu('memory', 'octokit'),
      }),
      row('1', 'receiver p99 ms: (b) ours+MemoryStore / (a) bare, unique callbacks', sm.memory.p99Ms, sm.bare.p99Ms, 'ms', '<=', 1.15, {
        ratio: paired('memory', 'bare', 'p99Ms'),
      }),
      row('1', 'receiver p99 ms: (b) ours, 30 % duplicates / (a) bare', sm['memory-dup'].p99Ms, sm.bare.p99Ms, 'ms', '<=', 1.25, {
        ratio: paired('memory-dup', 'bare', 'p99Ms'),
        cpu: cpu('memory-dup', 'bare'),
      }),
      sm.redis
        ? row('1', 'receiver req/s: (c) ours+RedisStore / (a) bare express.json()', sm.redis.rps, sm.bare.rps, 'req/s', '>=', 0.5, {
            ratio: paired('redis', 'bare', 'rps'),
            cpu: cpu('redis', 'bare'),
          })
        : skippedRow('1', 'receiver req/s: (c) ours+RedisStore / (a) bare express.json()', 'req/s', skipped),
      // Issue 20's diagnostics channels: the same receiver with a subscriber against none (no target).
      row('1', 'receiver CPU µs/request: (b) ours with an @iics-jobs/otel subscriber / without', sm['memory-otel'].cpuUsPerRequest, sm.memory.cpuUsPerRequest, 'µs', undefined, undefined, {
        ratio: paired('memory-otel', 'memory', 'cpuUsPerRequest'),
      }),
      row('1', 'receiver req/s: (b) ours+MemoryStore / (d) express.json()+Ajv+Set', sm.memory.rps, sm.handwritten.rps, 'req/s', undefined, undefined, {
        ratio: paired('memory', 'handwritten', 'rps'),
        cpu: cpu('memory', 'handwritten'),
      }),
    ];
    const redisUsed = !redis ? `skipped: ${skipped}` : redis.external ? 'REDIS_URL' : 'throwaway redis-server';
    return { rows, details: { settings: s, redis: redisUsed, summary }, problems, ...(skipped ? { skipped: [`1 ${CASES.redis.label}: ${skipped}`] } : {}) };
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await redis?.stop();
  }
}
