import type { FakeRun } from './types.js';

/**
 * The most runs that were active at the same moment of fake time, and when that was first
 * reached: the proof that a batch kept to its concurrency limit. A run counts from its start to
 * its end (a run that has not ended counts until now); a run that starts exactly when another
 * ends does not overlap it. Only top-level runs count by default: a linear taskflow's tasks run
 * inside it.
 */
export function peakConcurrency(
  runs: readonly FakeRun[],
  options: { includeChildren?: boolean; filter?: (run: FakeRun) => boolean } = {},
): { peak: number; at?: number } {
  const edges: Array<[number, 1 | -1]> = [];
  for (const run of runs) {
    if (run.parent && options.includeChildren !== true) continue;
    if (options.filter && !options.filter(run)) continue;
    edges.push([run.startedAt, 1]);
    if (run.endedAt !== undefined) edges.push([run.endedAt, -1]);
  }
  // Ends before starts at the same instant: back-to-back runs are not concurrent.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let active = 0;
  let peak = 0;
  let at: number | undefined;
  for (const [time, delta] of edges) {
    active += delta;
    if (active > peak) {
      peak = active;
      at = time;
    }
  }
  return at === undefined ? { peak } : { peak, at };
}
