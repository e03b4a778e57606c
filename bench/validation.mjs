// Benchmark 2: validators of one callback payload, interleaved batches in one child process.
import { fileURLToPath } from 'node:url';
import { startChild } from './lib/child.mjs';
import { median, rotation } from './lib/stats.mjs';
import { pairedRatio, row } from './lib/table.mjs';

const WORKER = fileURLToPath(new URL('./workers/validation-worker.mjs', import.meta.url));
const NAMES = ['ours', 'ajv', 'value'];

export function settings(quick) {
  return quick ? { warmupOps: 100_000, ops: 200_000, rounds: 3 } : { warmupOps: 500_000, ops: 500_000, rounds: 7 };
}

export async function runValidationBench({ quick = false, log = () => {}, execArgv = [] } = {}) {
  const s = settings(quick);
  const worker = await startChild(WORKER, { execArgv });
  try {
    for (const name of NAMES) await worker.call('measure', { name, ops: s.warmupOps });
    const samples = { ours: [], ajv: [], value: [] };
    for (let r = 0; r < s.rounds; r++) {
      for (const name of rotation(NAMES, r)) samples[name].push(await worker.call('measure', { name, ops: s.ops }));
    }
    const opsPerS = Object.fromEntries(NAMES.map((name) => [name, median(samples[name])]));
    log(`  2 ops/s: ours ${opsPerS.ours.toFixed(0)}, ajv ${opsPerS.ajv.toFixed(0)}, Value.Check ${opsPerS.value.toFixed(0)}`);
    return {
      rows: [
        row('2', 'validate callback ops/s: ours (TypeCompiler) / Ajv compiled', opsPerS.ours, opsPerS.ajv, 'ops/s', '>=', 1, {
          ratio: pairedRatio(samples.ours, samples.ajv),
        }),
        row('2', 'validate callback ops/s: ours / TypeBox Value.Check', opsPerS.ours, opsPerS.value, 'ops/s', undefined, undefined, {
          ratio: pairedRatio(samples.ours, samples.value),
        }),
      ],
      details: { settings: s, opsPerS, samples },
      problems: [],
    };
  } finally {
    await worker.stop();
  }
}
