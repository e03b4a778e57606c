// Benchmark 5, in a process of its own started with --expose-gc: node memory-worker.mjs <store|set> <keys>
//   store  MemoryStore holding <keys> done keys (claim + markDone each, as the receiver does)
//   set    the hand-written receiver's Set of the same keys
// Reports the heap growth after a full gc, then the claim rate on the full store.
import { randomUUID } from 'node:crypto';
import v8 from 'node:v8';
import { defaultKey, MemoryStore } from '@iics-jobs/callback-express';
import { serveParent } from '../lib/child.mjs';

if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
const kind = process.argv[2];
const keys = Number(process.argv[3] ?? 100_000);

const LEASE_MS = 5 * 60_000;
const DONE_MS = 35 * 60_000;
// Real-shaped ids: a 20-character task id, runIds counting up; keys built by the package's own key function.
const OBJECT_ID = '0119Y40Z00000000001S';
const keyOf = (runId) => defaultKey({ objectId: OBJECT_ID, runId, status: 'COMPLETED' });

function heapUsed() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

let holder; // keeps the filled structure alive past the second measurement
async function fill() {
  const before = heapUsed();
  if (kind === 'store') {
    const store = new MemoryStore({ maxEntries: keys });
    for (let runId = 1; runId <= keys; runId++) {
      const key = keyOf(runId);
      const token = randomUUID();
      if ((await store.claim(key, token, LEASE_MS)) !== 'claimed') throw new Error(`claim of ${key} failed`);
      if (!(await store.markDone(key, token, DONE_MS))) throw new Error(`markDone of ${key} failed`);
    }
    if (store.size !== keys) throw new Error(`the store holds ${store.size} keys, expected ${keys}`);
    holder = store;
  } else {
    const set = new Set();
    for (let runId = 1; runId <= keys; runId++) set.add(keyOf(runId));
    holder = set;
  }
  const after = heapUsed();
  return { heapGrowthBytes: after - before, heapUsedBytes: after };
}

/**
 * Claims per second on the full store: `ops` callbacks never seen before, each claimed (the store
 * evicts its least recently used done key to make room). Keys and tokens are made before the clock
 * starts. Keep the total of all rounds below `keys`, so the oldest entries are still done keys.
 * The Set baseline does what the hand-written receiver does: has() then add().
 */
let next = keys + 1;
async function claims(ops) {
  const batch = Array.from({ length: ops }, () => keyOf(next++));
  const tokens = kind === 'store' ? Array.from({ length: ops }, () => randomUUID()) : [];
  let claimed = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  if (kind === 'store') {
    const store = holder;
    for (let i = 0; i < ops; i++) if ((await store.claim(batch[i], tokens[i], LEASE_MS)) === 'claimed') claimed += 1;
  } else {
    const set = holder;
    for (let i = 0; i < ops; i++) {
      if (!set.has(batch[i])) {
        set.add(batch[i]);
        claimed += 1;
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  if (claimed !== ops) throw new Error(`${ops - claimed} claims of new keys were refused`);
  return { opsPerS: ops / seconds, cpuUsPerOp: (used.user + used.system) / ops };
}

serveParent({ kind, keys }, {
  fill: async () => fill(),
  claims: async ({ ops }) => claims(ops),
  // For bench/profile.mjs: what the filled heap is made of.
  snapshot: async ({ file }) => {
    heapUsed();
    return v8.writeHeapSnapshot(file);
  },
});
