// The fake IICS in its own process. node fake-server.mjs [poll|scale]
//   poll   (benchmark 3) one task that runs for a day, so its run stays in the activity monitor
//   scale  (benchmark 4) a 30 s (fake) task under timeScale 0.01, every callback delivered twice at once
import { setMaxListeners } from 'node:events';
import { startFakeIics } from '@iics-jobs/testing';
import { failStartup, serveParent } from '../lib/child.mjs';

const DAY_MS = 24 * 3600 * 1000;
const mode = process.argv[2] ?? 'poll';

const SCALE_TASK = { name: 'MT_Scale_Bench', type: 'MTT', durationMs: 30_000, queuedMs: 2_000 };
// 30 s jobs take 300 ms; IICS's 30-minute callback retry window takes 18 s (attempts time out after 1 s real at least).
const SCALE_TIME = 0.01;

try {
  const fake =
    mode === 'scale'
      ? await startFakeIics({ tasks: [SCALE_TASK], timeScale: SCALE_TIME, sessionIdleMs: 1000 * DAY_MS })
      : await startFakeIics({ tasks: [{ name: 'MT_Poll_Bench', type: 'MTT', durationMs: DAY_MS, queuedMs: 0 }], sessionIdleMs: DAY_MS });
  // IICS delivers a callback at least once; two concurrent deliveries of each is what dedupe is for.
  if (mode === 'scale') fake.faults.duplicateCallbacks(1, 'concurrent');

  serveParent(
    { loginUrl: fake.loginUrl, serverUrl: fake.serverUrl, credentials: fake.credentials, task: mode === 'scale' ? SCALE_TASK : undefined, timeScale: mode === 'scale' ? SCALE_TIME : 1 },
    {
      // The requests received since index `from`, so the baselines can replay exactly what the client sent.
      requests: async ({ from = 0 }) =>
        fake.requests.slice(from).map((r) => ({ method: r.method, path: r.path, query: r.query, status: r.status })),
      count: async () => fake.requests.length,
      // Resolves once every run has ended and every callback delivery (with its retries) has settled.
      settle: async ({ timeoutMs = 120_000 }) => {
        const signal = AbortSignal.timeout(timeoutMs);
        setMaxListeners(0, signal); // one listener per run waited for
        await Promise.all(fake.runs.map((run) => fake.waitForRun(run.taskId, run.runId, { signal })));
        while (fake.runs.some((run) => run.callbackURL !== undefined && run.callbackDelivered === undefined)) {
          await fake.waitForCallbacks({ signal });
          if (fake.runs.some((run) => run.callbackURL !== undefined && run.callbackDelivered === undefined)) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }
        return { settledAt: Date.now() };
      },
      runs: async () =>
        fake.runs.map((run) => ({
          taskId: run.taskId,
          runId: run.runId,
          state: run.state,
          delivered: run.callbackDelivered,
          attempts: run.callbackDeliveries.map((a) => a.status ?? a.error ?? 'none'),
        })),
      memory: async () => {
        const cpu = process.cpuUsage();
        return { maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBytes: process.memoryUsage().rss, cpuUs: cpu.user + cpu.system };
      },
    },
    () => fake.close(),
  );
} catch (error) {
  failStartup(error);
}
