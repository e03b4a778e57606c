// The fake IICS of benchmark 6 (callback-wait against polling) in its own process.
// node wait-fake.mjs '<json: { durationsMs, queuedMs, timeScale }>'; at timeScale 1 its clock is the wall clock.
// Task i lasts durationsMs[i]; every mode of the benchmark starts each task once, so the runs of
// task i in every mode last the same.
import { setMaxListeners } from 'node:events';
import { startFakeIics } from '@iics-jobs/testing';
import { failStartup, serveParent } from '../lib/child.mjs';

const DAY_MS = 24 * 3600 * 1000;

try {
  const { durationsMs, queuedMs, timeScale = 1 } = JSON.parse(process.argv[2] ?? '{}');
  const fake = await startFakeIics({
    timeScale,
    tasks: durationsMs.map((durationMs, i) => ({ name: `MT_Wait_Bench_${i}`, type: 'MTT', durationMs, queuedMs })),
    sessionIdleMs: DAY_MS,
  });
  // When each run ended on the wall clock (Date.now(), the same clock in every process of this
  // machine): waitForRun resolves as the fake ends the run, in this process, so no IPC delay and no
  // conversion of the fake's clock enters the figure.
  const endedWall = new Map();
  const watched = new Set();
  const watch = setInterval(() => {
    for (const run of fake.runs) {
      const key = `${run.taskId}:${run.runId}`;
      if (watched.has(key)) continue;
      watched.add(key);
      fake.waitForRun(run.taskId, run.runId).then(
        () => endedWall.set(key, Date.now()),
        () => undefined,
      );
    }
  }, 5);
  serveParent(
    { loginUrl: fake.loginUrl, credentials: fake.credentials, tasks: fake.tasks.map((t) => ({ id: t.id, name: t.name, durationMs: t.durationMs })) },
    {
      runs: async () =>
        fake.runs.map((run) => ({
          taskId: run.taskId,
          runId: run.runId,
          state: run.state,
          endedAt: run.endedAt,
          endedAtWall: endedWall.get(`${run.taskId}:${run.runId}`),
          callbackURL: run.callbackURL,
          delivered: run.callbackDelivered,
        })),
      settle: async ({ timeoutMs = 60_000 }) => {
        const signal = AbortSignal.timeout(timeoutMs);
        setMaxListeners(0, signal);
        await fake.waitForCallbacks({ signal });
        return {};
      },
    },
    async () => {
      clearInterval(watch);
      await fake.close();
    },
  );
} catch (error) {
  failStartup(error);
}
