#!/usr/bin/env node
// npm run bench [-- --quick] [-- --only 1,3]
// Builds the packages, runs the benchmarks one after the other, prints one table (ours, the
// baseline measured in the same run, the ratio with the min-max of its rounds, CPU per operation,
// the target) and writes bench/results.json.
//
// A new benchmark is one line in BENCHMARKS: a module whose `fn({ quick, log })` resolves to
// `{ rows, details, problems, fatal? }`, `rows` made with `row()` from lib/table.mjs.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable } from './lib/table.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');

const BENCHMARKS = [
  { id: '1', name: 'receiver', title: 'callback receiver throughput and p99', module: './receiver.mjs', fn: 'runReceiverBench' },
  { id: '2', name: 'validation', title: 'callback validation', module: './validation.mjs', fn: 'runValidationBench' },
  { id: '3', name: 'client', title: 'client overhead', module: './client.mjs', fn: 'runClientBench' },
  { id: '4', name: 'scale', title: 'scale of the fake', module: './scale.mjs', fn: 'runScaleBench' },
  { id: '5', name: 'memory', title: 'MemoryStore memory', module: './memory.mjs', fn: 'runMemoryBench' },
  { id: '6', name: 'wait', title: 'waiting on the callback against polling', module: './wait.mjs', fn: 'runWaitBench' },
];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: node bench/run.mjs [--quick] [--only 1,3 | --only receiver,client] [--no-build] [--out results.json]');
  process.exit(0);
}
// --out: somewhere else than bench/results.json (the test suite's quick run must not replace a full run's figures).
const RESULTS = path.resolve(values.out ?? path.join(benchDir, 'results.json'));
const wanted = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined;
const selected = BENCHMARKS.filter((b) => !wanted || wanted.has(b.id) || wanted.has(b.name));
if (selected.length === 0) {
  console.error(`--only ${values.only}: no such benchmark (1-6 or ${BENCHMARKS.map((b) => b.name).join(', ')})`);
  process.exit(64);
}

const log = (line) => process.stderr.write(`${line}\n`);
const started = Date.now();

if (!values['no-build']) {
  log('building the packages (tsc -b)...');
  const build = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (build.status !== 0) {
    console.error(`the build failed (exit ${build.status}); benchmarks need fresh dist/ builds:\n${build.stdout}${build.stderr}`);
    process.exit(1);
  }
}

const rows = [];
const details = {};
const problems = [];
const skipped = [];
let fatal = false;
for (const bench of selected) {
  log(`benchmark ${bench.id}: ${bench.title}${values.quick ? ' (quick)' : ''}`);
  const t = Date.now();
  try {
    const mod = await import(bench.module);
    const result = await mod[bench.fn]({ quick: values.quick, log });
    rows.push(...result.rows);
    details[bench.name] = { seconds: (Date.now() - t) / 1000, ...result.details };
    problems.push(...result.problems);
    skipped.push(...(result.skipped ?? []));
    if (result.fatal) fatal = true;
  } catch (error) {
    fatal = true;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    problems.push(`benchmark ${bench.id} (${bench.name}) failed: ${message}`);
    details[bench.name] = { seconds: (Date.now() - t) / 1000, error: message };
    rows.push({ bench: bench.id, what: `${bench.title}: FAILED (see below)`, ours: NaN, baseline: NaN, unit: '', ratio: NaN, ratioMin: NaN, ratioMax: NaN, rounds: 0, target: '', met: false });
  }
  log(`  (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

const seconds = (Date.now() - started) / 1000;
console.log(`\niics-jobs benchmarks${values.quick ? ' (--quick)' : ''}: node ${process.version}, ${os.cpus().length} CPUs, ${seconds.toFixed(0)} s`);
console.log(
  'ours, baseline: medians over interleaved rounds of this run; ratio: median of the per-round ratios ours / baseline, ' +
    'min-max: the lowest and highest of those; CPU: user + system µs of the process under test per request or operation (medians)\n',
);
// A quick run is a smoke test: its short rounds say nothing about a target, so it gives no verdicts.
if (values.quick) for (const r of rows) r.met = null;
console.log(formatTable(rows, { verdicts: !values.quick }));
for (const d of Object.values(details)) if (d?.check) console.log(`\n${d.check}`);
if (values.quick) {
  console.log('\n--quick: a smoke run, no verdicts; `npm run bench` measures the targets');
} else {
  const judged = rows.filter((r) => r.met !== null);
  console.log(`\n${judged.filter((r) => r.met).length} of ${judged.length} targets met`);
}
for (const reason of skipped) console.log(`skipped: ${reason}`);
for (const problem of problems) console.log(`problem: ${problem}`);

await writeFile(
  RESULTS,
  `${JSON.stringify(
    {
      date: new Date(started).toISOString(),
      quick: values.quick,
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      seconds,
      rows: rows.map((r) => ({ ...r, ours: finite(r.ours), baseline: finite(r.baseline), ratio: finite(r.ratio), ratioMin: finite(r.ratioMin), ratioMax: finite(r.ratioMax) })),
      benchmarks: details,
      problems,
      skipped,
    },
    null,
    2,
  )}\n`,
);
const shown = path.relative(process.cwd(), RESULTS);
console.log(`\nwrote ${shown && !shown.startsWith('..') ? shown : RESULTS}`);
process.exit(fatal || problems.length > 0 ? 1 : 0);

function finite(x) {
  return Number.isFinite(x) ? x : null;
}
