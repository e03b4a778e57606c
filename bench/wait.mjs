// Benchmark 6 (issue 16): waiting on the callback against plain polling. Jobs of different lengths
// run on the fake IICS (its own process); each mode starts every task once, at the same moment, so
// both modes wait on runs of the same lengths side by side:
//   callback-wait: jobs.run with a completion hub fed by a real receiver (callbackBaseUrl), fallback
//                  polls from 60 s (the default);
//   polling:       jobs.run polling every 10 s (the default pollIntervalMs, RunAJob's spacing).
// (a) latency from the job's end (the fake's own end time, on the wall clock) to the wait resolving, in real time;
// (b) status reads per job (the waits' own count) and the HTTP status requests behind them (counted
//     on each client's dispatcher), for jobs of minutes, on the fake at 100x with the client's
//     intervals scaled alike (counts do not depend on the scale; latencies would, so (a) is real time).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { callbackUrl, createCallbackMiddleware, createCompletionHub } from '@iics-jobs/callback-express';
import { createIicsClient } from '@iics-jobs/client';
import express from 'express';
import { startChild } from './lib/child.mjs';
import { median, percentile } from './lib/stats.mjs';
import { row } from './lib/table.mjs';

const FAKE = fileURLToPath(new URL('./servers/wait-fake.mjs', import.meta.url));
const requireFromClient = createRequire(new URL('../packages/client/package.json', import.meta.url));
const undici = await import(pathToFileURL(requireFromClient.resolve('undici')).href);
const SECRET = 'bench-secret-not-a-real-one';
const MIN = 60_000;

export function settings(quick) {
  // poll and fallback are fake ms: 10 s and 60 s as the defaults; scaled to real ms with timeScale.
  const intervals = { pollMs: quick ? 1_000 : 10_000, fallbackMs: 60_000 };
  return {
    latency: quick
      ? { jobs: 6, minMs: 1_000, maxMs: 4_000, queuedMs: 200, timeScale: 1, ...intervals }
      : { jobs: 16, minMs: 3_000, maxMs: 25_000, queuedMs: 1_000, timeScale: 1, ...intervals },
    requests: quick
      ? { jobs: 6, minMs: 2 * MIN, maxMs: 6 * MIN, queuedMs: 2_000, timeScale: 0.005, ...intervals, pollMs: 10_000 }
      : { jobs: 24, minMs: 2 * MIN, maxMs: 30 * MIN, queuedMs: 2_000, timeScale: 0.01, ...intervals },
  };
}

/** Lengths spread evenly over [min, max], in a fixed shuffled order (so every run of the benchmark is the same). */
export function durations({ jobs, minMs, maxMs }) {
  const step = jobs > 1 ? (maxMs - minMs) / (jobs - 1) : 0;
  // 7 is coprime with the job counts used, so (i * 7) % jobs visits every slot once.
  return Array.from({ length: jobs }, (_, i) => Math.round(minMs + step * ((i * 7) % jobs)));
}

/** A client whose dispatcher counts the status requests (activityMonitor, activityLog) it sends. */
function countingClient(info) {
  const counted = { status: 0 };
  const agent = new undici.Agent();
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    if (/\/activity\/activity(Monitor|Log)/.test(String(opts.path))) counted.status += 1;
    return dispatch(opts, handler);
  });
  const client = createIicsClient({ loginUrl: info.loginUrl, ...info.credentials, dispatcher });
  return { client, counted, close: async () => (await client.close(), await agent.close()) };
}

async function startReceiver(hub) {
  const app = express();
  app.post('/iics/callback', createCallbackMiddleware({ hub, secret: SECRET }));
  const server = createServer(app);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = callbackUrl(`http://127.0.0.1:${server.address().port}/iics/callback`, { secret: SECRET });
  return { url, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))) };
}

/** Both modes over the same job lengths at once; per mode: latencies (real ms), reads, HTTP requests, how each ended. */
export async function runModes(s, problems) {
  const lengths = durations(s);
  const real = (fakeMs) => Math.max(1, Math.round(fakeMs * s.timeScale));
  const fake = await startChild(FAKE, { args: [JSON.stringify({ durationsMs: lengths, queuedMs: s.queuedMs, timeScale: s.timeScale })] });
  const hub = createCompletionHub();
  const receiver = await startReceiver(hub);
  const polling = countingClient(fake.info);
  const waiting = countingClient(fake.info);
  try {
    const timeoutMs = real(s.maxMs + s.queuedMs + 10 * s.fallbackMs) + 60_000;
    const one = async (mode, task) => {
      const options =
        mode === 'callback'
          ? { completions: hub, callbackBaseUrl: receiver.url, pollIntervalMs: real(s.pollMs), fallbackPollIntervalMs: real(s.fallbackMs), timeoutMs }
          : { pollIntervalMs: real(s.pollMs), timeoutMs };
      const { client } = mode === 'callback' ? waiting : polling;
      const result = await client.jobs.run({ taskId: task.id, taskType: 'MTT' }, options);
      return { mode, result, resolvedAt: Date.now() };
    };
    const settled = await Promise.allSettled(fake.info.tasks.flatMap((task) => [one('callback', task), one('poll', task)]));
    for (const failed of settled.filter((x) => x.status === 'rejected')) problems.push(`wait failed: ${failed.reason?.message ?? failed.reason}`);
    const waits = settled.filter((x) => x.status === 'fulfilled').map((x) => x.value);

    const runs = new Map((await fake.call('runs')).map((r) => [`${r.taskId}:${r.runId}`, r]));
    const byMode = { callback: [], poll: [] };
    for (const w of waits) {
      const run = runs.get(`${w.result.taskId}:${w.result.runId}`);
      if (run?.endedAtWall === undefined) {
        problems.push(`no end time for run ${w.result.runId} of ${w.result.taskId}`);
        continue;
      }
      if (w.result.state !== 'SUCCESS') problems.push(`${w.mode}: run ${w.result.runId} of ${w.result.taskId} ended ${w.result.state}`);
      byMode[w.mode].push({ latencyMs: w.resolvedAt - run.endedAtWall, reads: w.result.statusRequests, endedBy: w.result.endedBy });
    }
    // A fallback poll that lands between the job's end and its callback ends the wait first: allowed, and counted.
    const notByCallback = byMode.callback.filter((w) => w.endedBy !== 'callback').length;
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
    const summary = (mode, client) => ({
      latenciesMs: byMode[mode].map((w) => w.latencyMs),
      reads: mean(byMode[mode].map((w) => w.reads)),
      http: client.counted.status / (byMode[mode].length || 1),
      count: byMode[mode].length,
    });
    return { lengths, notByCallback, callback: summary('callback', waiting), poll: summary('poll', polling) };
  } finally {
    await Promise.allSettled([polling.close(), waiting.close(), receiver.close(), hub.close()]);
    await fake.stop();
  }
}

const range = (lengths, unit) => `${Math.min(...lengths) / unit}-${Math.max(...lengths) / unit}`;

export async function runWaitBench({ quick, log }) {
  const s = settings(quick);
  const problems = [];
  log(`  (a) latency: ${s.latency.jobs} jobs per mode in real time, polling every ${s.latency.pollMs / 1000} s`);
  const a = await runModes(s.latency, problems);
  log(`  (b) requests: ${s.requests.jobs} jobs per mode of ${range(durations(s.requests), MIN)} min on the fake at ${1 / s.requests.timeScale}x`);
  const b = await runModes(s.requests, problems);

  const every = `polling every ${s.latency.pollMs / 1000} s`;
  const minutes = `${range(b.lengths, MIN)} min jobs`;
  const rows = [
    row('6', `wait latency after the job's end, median (callback-wait vs ${every})`, median(a.callback.latenciesMs), median(a.poll.latenciesMs), 'ms', '<=', 50, { absolute: true }),
    row('6', "wait latency after the job's end, p95", percentile(a.callback.latenciesMs, 95), percentile(a.poll.latenciesMs, 95), 'ms'),
    row('6', `status reads per job, ${minutes} (callback-wait vs polling every 10 s)`, b.callback.reads, b.poll.reads, 'reads', '<=', 0.1),
    row('6', `HTTP status requests per job, ${minutes} (activityMonitor + activityLog)`, b.callback.http, b.poll.http, 'req', '<=', 0.1),
  ];
  const pollMedian = median(a.poll.latenciesMs);
  const check =
    `wait: (a) ${a.callback.count} + ${a.poll.count} jobs of ${range(a.lengths, 1000)} s in real time, polling's median latency ` +
    `${(pollMedian / 1000).toFixed(1)} s = ${((100 * pollMedian) / s.latency.pollMs).toFixed(0)} % of its ${s.latency.pollMs / 1000} s interval; ` +
    `(b) ${b.callback.count} + ${b.poll.count} jobs of ${range(b.lengths, MIN)} min at ${1 / s.requests.timeScale}x; ` +
    `${a.callback.count + b.callback.count - a.notByCallback - b.notByCallback} of ${a.callback.count + b.callback.count} callback-waits ended by their callback ` +
    '(the others by a fallback poll that came first)';
  return {
    rows,
    problems,
    details: { settings: s, check, latency: { lengthsMs: a.lengths, callback: a.callback, poll: a.poll }, requests: { lengthsMs: b.lengths, callback: b.callback, poll: b.poll } },
  };
}
