// Benchmark 3: the client's overhead. N sequential `client.jobs.status` calls against the fake IICS
// (in a child process) vs the very same HTTP requests sent with bare `undici.request` on a keep-alive
// Pool (the ceiling) and with global `fetch`, each answer read and JSON.parsed.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLIENT_VERSION, createIicsClient } from '@iics-jobs/client';
import { startChild } from './lib/child.mjs';
import { median, rotation } from './lib/stats.mjs';
import { cpuPer, pairedRatio, row } from './lib/table.mjs';

const FAKE = fileURLToPath(new URL('./servers/fake-server.mjs', import.meta.url));
const VARIANTS = ['client', 'undici', 'fetch'];

// The same undici the client runs on (packages/client's own copy when it has one).
const requireFromClient = createRequire(new URL('../packages/client/package.json', import.meta.url));
const undici = await import(pathToFileURL(requireFromClient.resolve('undici')).href);

export function settings(quick) {
  return quick ? { calls: 200, warmupCalls: 100, rounds: 2 } : { calls: 2000, warmupCalls: 1000, rounds: 7 };
}

/** Starts the fake, a client and one long run; returns the replayable request sequence of one status call. */
export async function setUpClientBench({ execArgv = [] } = {}) {
  const fake = await startChild(FAKE, { execArgv });
  const { loginUrl, credentials } = fake.info;
  const client = createIicsClient({ loginUrl, username: credentials.username, password: credentials.password });
  const started = await client.jobs.start({ taskName: 'MT_Poll_Bench', taskType: 'MTT' });
  const ref = { taskId: started.taskId, runId: started.runId };
  const first = await client.jobs.status(ref);
  if (first.state !== 'RUNNING' && first.state !== 'QUEUED') throw new Error(`the benchmark run is ${first.state}, expected RUNNING`);

  const from = await fake.call('count');
  await client.jobs.status(ref);
  const sent = await fake.call('requests', { from });
  if (sent.length === 0 || sent.some((r) => r.status !== 200)) throw new Error(`unexpected requests for one status call: ${JSON.stringify(sent)}`);

  // The session id for the baselines: a login of their own, as a user of bare HTTP would do.
  const login = await undici.request(`${loginUrl}/ma/api/v2/user/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ '@type': 'login', username: credentials.username, password: credentials.password }),
  });
  const user = JSON.parse(await login.body.text());
  const origin = new URL(user.serverUrl).origin;
  const headers = {
    accept: 'application/json',
    'user-agent': `iics-jobs-client/${CLIENT_VERSION} node/${process.versions.node}`,
    icSessionId: user.icSessionId,
  };
  const targets = sent.map((r) => {
    const query = new URLSearchParams(r.query).toString();
    return { method: r.method, path: query ? `${r.path}?${query}` : r.path };
  });
  const pool = new undici.Pool(origin, { connections: 8, keepAliveTimeout: 10_000 });

  const variants = {
    client: async () => {
      const status = await client.jobs.status(ref);
      return status.state;
    },
    undici: async () => {
      let last;
      for (const t of targets) {
        const res = await undici.request(`${origin}${t.path}`, { method: t.method, headers, dispatcher: pool });
        last = JSON.parse(await res.body.text());
        if (res.statusCode !== 200) throw new Error(`undici baseline got HTTP ${res.statusCode}`);
      }
      return last;
    },
    fetch: async () => {
      let last;
      for (const t of targets) {
        const res = await fetch(`${origin}${t.path}`, { method: t.method, headers });
        last = JSON.parse(await res.text());
        if (res.status !== 200) throw new Error(`fetch baseline got HTTP ${res.status}`);
      }
      return last;
    },
  };

  return {
    fake,
    variants,
    requestsPerCall: targets.map((t) => `${t.method} ${t.path.split('?')[0]}`),
    async close() {
      await client.close();
      await pool.close();
      await fake.stop();
    },
  };
}

/** Wall ms of `calls` sequential calls, and this process's CPU µs (user + system) per call. */
async function timeCalls(fn, calls) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuUsPerCall: (used.user + used.system) / calls };
}

export async function runClientBench({ quick = false, log = () => {} } = {}) {
  const s = settings(quick);
  const setup = await setUpClientBench();
  try {
    for (const name of VARIANTS) await timeCalls(setup.variants[name], s.warmupCalls);
    const samples = { client: [], undici: [], fetch: [] };
    const cpu = { client: [], undici: [], fetch: [] };
    for (let r = 0; r < s.rounds; r++) {
      for (const name of rotation(VARIANTS, r)) {
        const t = await timeCalls(setup.variants[name], s.calls);
        samples[name].push(t.ms);
        cpu[name].push(t.cpuUsPerCall);
      }
    }
    const ms = Object.fromEntries(VARIANTS.map((name) => [name, median(samples[name])]));
    log(`  3 ${s.calls} status calls: client ${ms.client.toFixed(0)} ms, undici ${ms.undici.toFixed(0)} ms, fetch ${ms.fetch.toFixed(0)} ms`);
    return {
      rows: [
        row('3', `client: ${s.calls} jobs.status ms / bare undici.request`, ms.client, ms.undici, 'ms', '<=', 1.1, {
          ratio: pairedRatio(samples.client, samples.undici),
          cpu: cpuPer(cpu.client, cpu.undici, 'call'),
        }),
        row('3', `client: ${s.calls} jobs.status ms / global fetch`, ms.client, ms.fetch, 'ms', undefined, undefined, {
          ratio: pairedRatio(samples.client, samples.fetch),
          cpu: cpuPer(cpu.client, cpu.fetch, 'call'),
        }),
      ],
      details: { settings: s, requestsPerStatusCall: setup.requestsPerCall, medianMs: ms, samples, cpuUsPerCall: cpu },
      problems: [],
    };
  } finally {
    await setup.close();
  }
}
