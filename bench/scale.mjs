// Benchmark 4: 1,000 jobs started at once through the client against the fake IICS (timeScale
// 0.01, every callback delivered twice concurrently), each with a callbackURL to a real receiver.
// Three processes: this one (the client), the fake, the receiver.
import { fileURLToPath } from 'node:url';
import { createIicsClient } from '@iics-jobs/client';
import { startChild } from './lib/child.mjs';
import { median } from './lib/stats.mjs';
import { pairedRatio, row } from './lib/table.mjs';

const FAKE = fileURLToPath(new URL('./servers/fake-server.mjs', import.meta.url));
const RECEIVER = fileURLToPath(new URL('./servers/receiver-server.mjs', import.meta.url));
const MB = 1024 * 1024;

export function settings(quick) {
  return { jobs: 1000, rounds: quick ? 1 : 3 };
}

/** One run: `receiverVariant` is "memory" (ours) or "bare" (express.json() + 200). */
export async function scaleOnce(receiverVariant, jobs, { fakeExecArgv = [], receiverExecArgv = [] } = {}) {
  const [fake, receiver] = await Promise.all([
    startChild(FAKE, { args: ['scale'], execArgv: fakeExecArgv }),
    startChild(RECEIVER, { args: [receiverVariant], execArgv: receiverExecArgv, env: { ...process.env, BENCH_TRACK_KEYS: '1' } }),
  ]);
  const { loginUrl, credentials, task, timeScale } = fake.info;
  const client = createIicsClient({ loginUrl, username: credentials.username, password: credentials.password });
  try {
    const t0 = performance.now();
    const started = await Promise.all(
      Array.from({ length: jobs }, () =>
        client.jobs.start({ taskName: task.name, taskType: task.type, callbackURL: receiver.info.url }),
      ),
    );
    const startedMs = performance.now() - t0;
    await fake.call('settle', { timeoutMs: 120_000 }, 130_000);
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
      wallMs,
      startMs: startedMs,
      idealMs,
      handlerCalls,
      deliveries,
      exactlyOnce: problems.length === 0,
      problems,
      fakeMaxRssMB: fakeMemory.maxRssBytes / MB,
      receiverMaxRssMB: receiverMemory.maxRssBytes / MB,
    };
  } finally {
    await client.close().catch(() => undefined);
    await Promise.all([fake.stop(), receiver.stop()]);
  }
}

export async function runScaleBench({ quick = false, log = () => {} } = {}) {
  const s = settings(quick);
  const results = { memory: [], bare: [] };
  for (let r = 0; r < s.rounds; r++) {
    for (const variant of r % 2 === 0 ? ['memory', 'bare'] : ['bare', 'memory']) {
      const result = await scaleOnce(variant, s.jobs);
      results[variant].push(result);
      log(
        `  4 ${variant === 'memory' ? 'ours' : 'bare'}: ${s.jobs} jobs in ${result.wallMs.toFixed(0)} ms (starts ${result.startMs.toFixed(0)} ms), ` +
          `${result.deliveries} deliveries, handler ran ${result.handlerCalls}x, peak RSS fake ${result.fakeMaxRssMB.toFixed(0)} MB / receiver ${result.receiverMaxRssMB.toFixed(0)} MB` +
          (variant === 'memory' ? `, exactly once: ${result.exactlyOnce ? 'yes' : `NO (${result.problems.join('; ')})`}` : ''),
      );
    }
  }
  const ours = results.memory;
  const bare = results.bare;
  const exactlyOnce = ours.every((x) => x.exactlyOnce);
  const wall = { ours: median(ours.map((x) => x.wallMs)), bare: median(bare.map((x) => x.wallMs)) };
  const rss = {
    ours: median(ours.map((x) => x.fakeMaxRssMB + x.receiverMaxRssMB)),
    bare: median(bare.map((x) => x.fakeMaxRssMB + x.receiverMaxRssMB)),
  };
  const check = exactlyOnce
    ? `every one of ${s.jobs} callbacks processed exactly once (${median(ours.map((x) => x.deliveries))} deliveries; the bare receiver ran its handler ${median(bare.map((x) => x.handlerCalls))} times)`
    : `NOT exactly once: ${ours.flatMap((x) => x.problems).join('; ')}`;
  log(`  4 check: ${check}`);
  return {
    rows: [
      row('4', `scale: ${s.jobs} jobs to callback, wall s, ours receiver / bare express.json()`, wall.ours / 1000, wall.bare / 1000, 's', undefined, undefined, {
        met: exactlyOnce,
        ratio: pairedRatio(ours.map((x) => x.wallMs), bare.map((x) => x.wallMs)),
      }),
      row('4', 'scale: peak RSS MB, fake + ours receiver / fake + bare receiver', rss.ours, rss.bare, 'MB', undefined, undefined, {
        ratio: pairedRatio(ours.map((x) => x.fakeMaxRssMB + x.receiverMaxRssMB), bare.map((x) => x.fakeMaxRssMB + x.receiverMaxRssMB)),
      }),
    ],
    details: { settings: s, check, exactlyOnce, wallMs: wall, peakRssMB: rss, runs: results },
    problems: exactlyOnce ? [] : [`benchmark 4: ${check}`],
    fatal: !exactlyOnce,
  };
}
