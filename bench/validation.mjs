// Benchmark 2: validators of one callback payload, interleaved batches in one child process.
import { fileURLToPath } from 'node:url';
import { startChild } from './lib/child.mjs';
import { median, rotation } from './lib/stats.mjs';
import { cpuPer, pairedRatio, row } from './lib/table.mjs';

const WORKER = fileURLToPath(new URL('./workers/validation-worker.mjs', import.meta.url));
const NAMES = ['ours', 'ajv', 'value'];

export function settings(quick) {
  return quick ? { warmupOps: 50_000, ops: 100_000, rounds: 2 } : { warmupOps: 500_000, ops: 500_000, rounds: 7 };
}

export async function runValidationBench({ quick = false, log = () => {}, execArgv = [] } = {}) {
  const s = settings(quick);
  const worker = await startChild(WORKER, { execArgv });
  try {
    for (const name of NAMES) await worker.call('measure', { name, ops: s.warmupOps });
    const samples = { ours: [], ajv: [], value: [] };
    const cpu = { ours: [], ajv: [], value: [] };
    for (let r = 0; r < s.rounds; r++) {
      for (const name of rotation(NAMES, r)) {
        const m = await worker.call('measure', { name, ops: s.ops });
        samples[name].push(m.opsPerS);
        cpu[name].push(m.cpuUsPer1000);
      }
    }
    const opsPerS = Object.fromEntries(NAMES.map((name) => [name, median(samples[name])]));
    log(`  2 ops/s: ours ${opsPerS.ours.toFixed(0)}, ajv ${opsPerS.ajv.toFixed(0)}, Value.Check ${opsPerS.value.toFixed(0)}`);
    return {
      rows: [
        row('2', 'validate callback ops/s: ours (TypeCompiler) / Ajv compiled', opsPerS.ours, opsPerS.ajv, 'ops/s', '>=', 1.5, {
          ratio: pairedRatio(samples.ours, samples.ajv),
          cpu: cpuPer(cpu.ours, cpu.ajv, '1,000'),
        }),
        row('2', 'validate callback ops/s: ours / TypeBox Value.Check', opsPerS.ours, opsPerS.value, 'ops/s', undefined, undefined, {
          ratio: pairedRatio(samples.ours, samples.value),
          cpu: cpuPer(cpu.ours, cpu.value, '1,000'),
        }),
      ],
      details: { settings: s, opsPerS, samples, cpuUsPer1000: cpu },
      problems: [],
    };
  } finally {
    await worker.stop();
  }
}
