// Benchmark 4: many jobs started at once through the client against the fake IICS (timeScale 0.01,
// every callback delivered twice concurrently), each with a callbackURL to a real receiver.
// Three processes: this one (the client), the fake, the receiver.
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createIicsClient } from '@iics-jobs/client';
import { startChild } from './lib/child.mjs';
import { median } from './lib/stats.mjs';
import { cpuPer, pairedRatio, row } from './lib/table.mjs';

const FAKE = fileURLToPath(new URL('./servers/fake-server.mjs', import.meta.url));
const RECEIVER = fileURLToPath(new URL('./servers/receiver-server.mjs', import.meta.url));
const MB = 1024 * 1024;
const requireFromClient = createRequire(new URL('../packages/client/package.json', import.meta.url));
const undici = await import(pathToFileURL(requireFromClient.resolve('undici')).href);
/** Connections per origin of the client's dispatcher at scale (BENCH_CLIENT_CONNECTIONS; 0: undici's default, no limit). */
const CLIENT_CONNECTIONS = Number(process.env.BENCH_CLIENT_CONNECTIONS ?? 64);
/** The issue's ceiling for the fake's peak RSS while it runs the 10,000 jobs. */
const FAKE_RSS_LIMIT_MB = 400;

export function settings(quick) {
  // bigJobs: one run at scale with our receiver, checked for exactly-once and the fake's memory (full runs only).
  return quick ? { jobs: 500, rounds: 1, bigJobs: 0 } : { jobs: 1000, rounds: 5, bigJobs: 10_000 };
}

/** One run: `receiverVariant` is "memory" (ours) or "bare" (express.json() + 200). */
export async function scaleOnce(receiverVariant, jobs, { fakeExecArgv = [], receiverExecArgv = [] } = {}) {
  const [fake, receiver] = await Promise.all([
    startChild(FAKE, { args: ['scale'], execArgv: fakeExecArgv }),
    startChild(RECEIVER, { args: [receiverVariant], execArgv: receiverExecArgv, env: { ...process.env, BENCH_TRACK_KEYS: '1' } }),
  ]);
  const { loginUrl, credentials, task, timeScale } = fake.info;
  const dispatcher = new undici.Agent({ keepAliveTimeout: 10_000, ...(CLIENT_CONNECTIONS > 0 ? { connections: CLIENT_CONNECTIONS } : {}) });
  const client = createIicsClient({ loginUrl, username: credentials.username, password: credentials.password, dispatcher });
  try {
    const [fakeBefore, receiverBefore] = await Promise.all([fake.call('memory'), receiver.call('memory')]);
    const t0 = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: jobs }, () =>
        client.jobs.start({ taskName: task.name, taskType: task.type, callbackURL: receiver.info.url }),
      ),
    );
    const startedMs = performance.now() - t0;
    const started = settled.filter((x) => x.status === 'fulfilled').map((x) => x.value);
    const failedStarts = settled.filter((x) => x.status === 'rejected');
    await fake.call('settle', { timeoutMs: 170_000 }, 180_000);
    const wallMs = performance.now() - t0;

    const [runs, perKey, fakeMemory, receiverMemory] = await Promise.all([
      fake.call('runs'),
      receiver.call('perKey'),
      fake.call('memory'),
      receiver.call('memory'),
    ]);
    const idealMs = task.durationMs * timeScale;
    const handlerCalls = Object.values(perKey).reduce((n, c) => n + c, 0);
    const expectedKeys = new Set(started.map((s) => `${s.taskId}:${s.runId}`));
    const problems = [];
    if (failedStarts.length) problems.push(`${failedStarts.length} of ${jobs} starts failed (first: ${failedStarts[0].reason?.message ?? failedStarts[0].reason})`);
    if (expectedKeys.size !== jobs) problems.push(`${jobs} starts gave ${expectedKeys.size} distinct runs`);
    if (runs.length !== jobs) problems.push(`the fake holds ${runs.length} runs, expected ${jobs}`);
    const notSucceeded = runs.filter((r) => r.state !== 'SUCCESS').length;
    if (notSucceeded) problems.push(`${notSucceeded} runs did not end in SUCCESS`);
    const undelivered = runs.filter((r) => r.delivered !== true).length;
    if (undelivered) problems.push(`${undelivered} callbacks never got a 200`);
    const missing = [...expectedKeys].filter((k) => !(perKey[k] >= 1)).length;
    const twice = [...expectedKeys].filter((k) => perKey[k] > 1).length;
    const stray = Object.keys(perKey).filter((k) => !expectedKeys.has(k)).length;
    if (missing) problems.push(`${missing} callbacks never reached the handler`);
    if (twice) problems.push(`${twice} callbacks were handled more than once`);
    if (stray) problems.push(`${stray} handled callbacks match no started run`);
    const deliveries = runs.reduce((n, r) => n + r.attempts.length, 0);
    return {
      variant: receiverVariant,
      jobs,
      wallMs,
      startMs: startedMs,
      idealMs,
      handlerCalls,
      deliveries,
      exactlyOnce: problems.length === 0,
      problems,
      fakeMaxRssMB: fakeMemory.maxRssBytes / MB,
      receiverMaxRssMB: receiverMemory.maxRssBytes / MB,
      // CPU of the fake and the receiver together, per job (the client side is the same for both variants).
      cpuUsPerJob: (fakeMemory.cpuUs - fakeBefore.cpuUs + receiverMemory.cpuUs - receiverBefore.cpuUs) / jobs,
    };
  } finally {
    await client.close().catch(() => undefined);
    await dispatcher.close().catch(() => undefined);
    await Promise.all([fake.stop(), receiver.stop()]);
  }
}

function describe(result) {
  return (
    `${result.jobs} jobs in ${result.wallMs.toFixed(0)} ms (starts ${result.startMs.toFixed(0)} ms), ` +
    `${result.deliveries} deliveries, handler ran ${result.handlerCalls}x, peak RSS fake ${result.fakeMaxRssMB.toFixed(0)} MB / receiver ${result.receiverMaxRssMB.toFixed(0)} MB, ` +
    `${result.cpuUsPerJob.toFixed(0)} µs CPU/job`
  );
}

export async function runScaleBench({ quick = false, log = () => {} } = {}) {
  const s = settings(quick);
  const results = { memory: [], bare: [] };
  for (let r = 0; r < s.rounds; r++) {
    for (const variant of r % 2 === 0 ? ['memory', 'bare'] : ['bare', 'memory']) {
      const result = await scaleOnce(variant, s.jobs);
      results[variant].push(result);
      log(
        `  4 ${variant === 'memory' ? 'ours' : 'bare'}: ${describe(result)}` +
          (variant === 'memory' ? `, exactly once: ${result.exactlyOnce ? 'yes' : `NO (${result.problems.join('; ')})`}` : ''),
      );
    }
  }
  let big;
  if (s.bigJobs > 0) {
    big = await scaleOnce('memory', s.bigJobs);
    log(`  4 ours at scale: ${describe(big)}, exactly once: ${big.exactlyOnce ? 'yes' : `NO (${big.problems.join('; ')})`}`);
  }
  const ours = results.memory;
  const bare = results.bare;
  const exactlyOnce = ours.every((x) => x.exactlyOnce) && (big === undefined || big.exactlyOnce);
  const wall = { ours: median(ours.map((x) => x.wallMs)), bare: median(bare.map((x) => x.wallMs)) };
  const rssOf = (x) => x.fakeMaxRssMB + x.receiverMaxRssMB;
  const rss = { ours: median(ours.map(rssOf)), bare: median(bare.map(rssOf)) };
  const problems = [...ours.flatMap((x) => x.problems), ...(big?.problems ?? []).map((p) => `${s.bigJobs} jobs: ${p}`)];
  const counts = [s.jobs, ...(big ? [s.bigJobs] : [])].map((n) => n.toLocaleString('en-US')).join(' and ');
  const check = exactlyOnce
    ? `benchmark 4 check: every callback processed exactly once, no failed start, in every run of ${counts} jobs ` +
      `(${s.jobs} jobs: ${median(ours.map((x) => x.deliveries))} deliveries, the bare receiver ran its handler ${median(bare.map((x) => x.handlerCalls))} times` +
      `${big ? `; ${s.bigJobs} jobs: ${big.deliveries} deliveries in ${(big.wallMs / 1000).toFixed(1)} s` : ''})`
    : `benchmark 4 check: NOT exactly once: ${problems.join('; ')}`;
  log(`  ${check}`);
  const rows = [
    row('4', `scale: ${s.jobs} jobs to callback, wall s, ours receiver / bare express.json()`, wall.ours / 1000, wall.bare / 1000, 's', undefined, undefined, {
      met: exactlyOnce,
      ratio: pairedRatio(ours.map((x) => x.wallMs), bare.map((x) => x.wallMs)),
      cpu: cpuPer(ours.map((x) => x.cpuUsPerJob), bare.map((x) => x.cpuUsPerJob), 'job'),
    }),
    row('4', 'scale: peak RSS MB, fake + ours receiver / fake + bare receiver', rss.ours, rss.bare, 'MB', undefined, undefined, {
      ratio: pairedRatio(ours.map(rssOf), bare.map(rssOf)),
    }),
  ];
  if (big) {
    rows.push(
      row('4', `scale: ${s.bigJobs.toLocaleString('en-US')} jobs, fake peak RSS MB (baseline: the fake at ${s.jobs} jobs)`, big.fakeMaxRssMB, median(ours.map((x) => x.fakeMaxRssMB)), 'MB', '<=', FAKE_RSS_LIMIT_MB, {
        absolute: true,
        cpu: cpuPer([big.cpuUsPerJob], ours.map((x) => x.cpuUsPerJob), 'job'),
      }),
    );
  }
  return {
    rows,
    details: { settings: s, check, exactlyOnce, wallMs: wall, peakRssMB: rss, runs: results, big },
    problems: exactlyOnce ? [] : [check],
    fatal: !exactlyOnce,
  };
}
