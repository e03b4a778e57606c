// Benchmark 5: MemoryStore with 100,000 done keys: heap growth (after full gcs, in a fresh process
// started with --expose-gc) and claims per second on the full store, against a plain Set of the same keys.
import { fileURLToPath } from 'node:url';
import { startChild } from './lib/child.mjs';
import { median } from './lib/stats.mjs';
import { cpuPer, pairedRatio, row } from './lib/table.mjs';

const WORKER = fileURLToPath(new URL('./workers/memory-worker.mjs', import.meta.url));
const MB = 1024 * 1024;
const KINDS = ['store', 'set'];

export function settings(quick) {
  // rounds × claimOps stays below keys: see the worker.
  return quick ? { keys: 100_000, rounds: 1, claimRounds: 2, claimOps: 5_000 } : { keys: 100_000, rounds: 5, claimRounds: 5, claimOps: 15_000 };
}

export async function runMemoryBench({ quick = false, log = () => {} } = {}) {
  const s = settings(quick);
  const heap = { store: [], set: [] };
  const ops = { store: [], set: [] };
  const cpu = { store: [], set: [] };
  for (let r = 0; r < s.rounds; r++) {
    for (const kind of r % 2 === 0 ? KINDS : [...KINDS].reverse()) {
      const worker = await startChild(WORKER, { args: [kind, String(s.keys)], execArgv: ['--expose-gc'] });
      try {
        const filled = await worker.call('fill');
        heap[kind].push(filled.heapGrowthBytes / MB);
        // One worker per round measures claims too; the rate is the median over its batches.
        const batches = [];
        await worker.call('claims', { ops: Math.min(2_000, s.claimOps) });
        for (let b = 0; b < s.claimRounds; b++) batches.push(await worker.call('claims', { ops: s.claimOps }));
        ops[kind].push(median(batches.map((x) => x.opsPerS)));
        cpu[kind].push(median(batches.map((x) => x.cpuUsPerOp)));
      } finally {
        await worker.stop();
      }
    }
  }
  const heapMB = { store: median(heap.store), set: median(heap.set) };
  const claimsPerS = { store: median(ops.store), set: median(ops.set) };
  log(`  5 heap: MemoryStore ${heapMB.store.toFixed(1)} MB, Set ${heapMB.set.toFixed(1)} MB; claims/s: ${claimsPerS.store.toFixed(0)} vs ${claimsPerS.set.toFixed(0)}`);
  return {
    rows: [
      row('5', `memory: heap MB, MemoryStore with ${s.keys.toLocaleString('en-US')} done keys / Set of the keys`, heapMB.store, heapMB.set, 'MB', '<=', 40, { absolute: true }),
      row('5', 'memory: claims/s on the full MemoryStore / Set has()+add()', claimsPerS.store, claimsPerS.set, 'ops/s', undefined, undefined, {
        ratio: pairedRatio(ops.store, ops.set),
        cpu: cpuPer(cpu.store, cpu.set, 'claim'),
      }),
    ],
    details: { settings: s, heapGrowthMB: heap, claimsPerS: ops, cpuUsPerClaim: cpu },
    problems: [],
  };
}
