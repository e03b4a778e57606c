#!/usr/bin/env node
// node bench/profile.mjs <target> [--seconds N]: profiles the side under test of one benchmark with
// node --cpu-prof (a heap snapshot for memory) and prints the top self-time functions.
//   receiver [bare|memory|redis|handwritten|octokit]  the receiver process under autocannon load (default memory)
//   validation                                 parseCallbackUrlResponse in a loop
//   client [client|undici|fetch]               the process making jobs.status calls (default client)
//   scale [memory|bare] [--jobs N]             the fake IICS process during N (1,000) jobs
//   memory                                     what a MemoryStore with 100,000 done keys holds (heap snapshot)
//   claims                                     claims on that full store (inlining off, so the store's own
//                                              functions keep their names instead of melting into the loop)
// Profiles go to bench/profiles/ (git-ignored), with a .txt summary beside each.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startChild } from './lib/child.mjs';
import { formatSummary, summarizeProfile } from './lib/cpuprofile.mjs';
import { formatHeapSummary, summarizeHeapSnapshot } from './lib/heapsnapshot.mjs';
import { startRedis } from './lib/redis.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({ allowPositionals: true, options: { seconds: { type: 'string', default: '8' }, jobs: { type: 'string', default: '1000' } } });
const [target, variantArg] = positionals;
const seconds = Number(values.seconds);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = path.join(benchDir, 'profiles', `${target}${variantArg ? `-${variantArg}` : ''}-${stamp}`);
await mkdir(outDir, { recursive: true });
const cpuProf = ['--cpu-prof', '--cpu-prof-dir', outDir];

async function report(title, per) {
  const files = (await readdir(outDir)).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${outDir}`);
  const texts = [];
  for (const file of files) texts.push(formatSummary(await summarizeProfile(path.join(outDir, file), { top: 20 }), `${title} (${file})`, per));
  const text = texts.join('\n\n');
  await writeFile(path.join(outDir, 'summary.txt'), `${text}\n`);
  console.log(text);
  console.log(`\nprofile and summary in ${path.relative(process.cwd(), outDir)}`);
}

switch (target) {
  case 'receiver': {
    const { load, callbackBodies, OCTOKIT_SECRET } = await import('./receiver.mjs');
    const variant = variantArg ?? 'memory';
    const redis = variant === 'redis' ? await startRedis() : undefined;
    let per;
    try {
      const server = await startChild(path.join(benchDir, 'servers/receiver-server.mjs'), {
        args: [variant],
        execArgv: cpuProf,
        env: { ...process.env, OCTOKIT_SECRET, ...(redis ? { REDIS_URL: redis.url } : {}) },
      });
      const before = await server.call('stats');
      const result = await load(server.info.url, { connections: 32, durationS: seconds, next: callbackBodies({ sign: variant === 'octokit' }).next });
      const { handled, cpuUs } = await server.call('stats');
      await server.stop();
      console.log(
        `receiver ${variant}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(2)} ms, ` +
          `${((cpuUs - before.cpuUs) / Math.max(1, result.ok)).toFixed(0)} µs CPU (process.cpuUsage) per request under the profiler\n`,
      );
      per = { count: handled, unit: 'request' };
    } finally {
      await redis?.stop();
    }
    await report(`receiver ${variant}`, per);
    break;
  }
  case 'validation': {
    const worker = await startChild(path.join(benchDir, 'workers/validation-worker.mjs'), { execArgv: cpuProf });
    const deadline = Date.now() + seconds * 1000;
    let ops = 0;
    while (Date.now() < deadline) {
      await worker.call('measure', { name: variantArg ?? 'ours', ops: 500_000 });
      ops += 500_000;
    }
    await worker.stop();
    await report(`validation ${variantArg ?? 'ours'}`, { count: ops / 1000, unit: '1000 validations' });
    break;
  }
  case 'client': {
    // Client and bare-undici batches alternate in the profiled process: the CPU time per call of each
    // (user and kernel) compares them, and the profile shows where the client's share goes.
    const variant = variantArg ?? 'client';
    const worker = await startChild(path.join(benchDir, 'workers/client-worker.mjs'), { execArgv: cpuProf });
    const totals = {};
    const variants = variant === 'undici' ? ['undici'] : [variant, 'undici'];
    for (const v of variants) await worker.call('run', { variant: v, calls: 1000 });
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      for (const v of variants) {
        const r = await worker.call('run', { variant: v, calls: 500 });
        const t = (totals[v] ??= { calls: 0, ms: 0, userUs: 0, systemUs: 0 });
        t.calls += 500;
        t.ms += r.ms;
        t.userUs += r.userUs;
        t.systemUs += r.systemUs;
      }
    }
    await worker.stop();
    for (const [v, t] of Object.entries(totals)) {
      console.log(
        `${v}: ${t.calls} calls, ${((t.ms * 1000) / t.calls).toFixed(0)} µs wall, ${(t.userUs / t.calls).toFixed(0)} µs user + ${(t.systemUs / t.calls).toFixed(0)} µs kernel CPU per call`,
      );
    }
    console.log('(only the @iics-jobs/* figures per call below belong to the client alone; undici, node core and V8 serve both)\n');
    await report(`client side, ${variants.join(' and ')} batches alternating`, { count: totals[variant].calls, unit: `${variant} call` });
    break;
  }
  case 'scale': {
    const { scaleOnce } = await import('./scale.mjs');
    const jobs = Number(values.jobs);
    const result = await scaleOnce(variantArg ?? 'memory', jobs, { fakeExecArgv: cpuProf });
    console.log(
      `${jobs} jobs in ${result.wallMs.toFixed(0)} ms, ${result.deliveries} deliveries, fake peak RSS ${result.fakeMaxRssMB.toFixed(0)} MB; ` +
        `exactly once: ${result.exactlyOnce}${result.exactlyOnce ? '' : ` (${result.problems.join('; ')})`}\n`,
    );
    await report(`fake IICS during ${jobs} jobs`);
    break;
  }
  case 'memory': {
    const texts = [];
    for (const kind of ['store', 'set']) {
      const worker = await startChild(path.join(benchDir, 'workers/memory-worker.mjs'), { args: [kind, '100000'], execArgv: ['--expose-gc'] });
      const filled = await worker.call('fill');
      const file = await worker.call('snapshot', { file: path.join(outDir, `${kind}.heapsnapshot`) }, 120_000);
      await worker.stop();
      const summary = await summarizeHeapSnapshot(file);
      texts.push(formatHeapSummary(summary, `${kind === 'store' ? 'MemoryStore' : 'Set'} with 100,000 keys, heap growth ${(filled.heapGrowthBytes / 2 ** 20).toFixed(1)} MB`));
    }
    const text = texts.join('\n\n');
    await writeFile(path.join(outDir, 'summary.txt'), `${text}\n`);
    console.log(text);
    break;
  }
  case 'claims': {
    const worker = await startChild(path.join(benchDir, 'workers/memory-worker.mjs'), {
      args: ['store', '100000'],
      execArgv: ['--expose-gc', '--no-turbo-inlining', ...cpuProf],
    });
    await worker.call('fill');
    const rates = [];
    for (let i = 0; i < 5; i++) rates.push(Math.round((await worker.call('claims', { ops: 15_000 })).opsPerS));
    await worker.stop();
    console.log(`claims/s in 5 batches of 15,000 on the full store: ${rates.join(', ')}\n`);
    await report('MemoryStore: filling it, then the claims');
    break;
  }
  default:
    console.error('usage: node bench/profile.mjs <receiver|validation|client|scale|memory|claims> [variant] [--seconds N] [--jobs N]');
    process.exit(64);
}
