#!/usr/bin/env node
// npm run demo: runs a mapping task and a linear taskflow end to end.
//
// Without IICS_* variables it starts the fake IICS of @iics-jobs/testing (its clock 50 times faster than real time),
// an Express app with @iics-jobs/callback-express feeding a completion hub, and uses @iics-jobs/client to start both
// jobs with a callbackURL pointing at the app. Each wait ends when the callback arrives (one status read then gives
// the final state); the demo prints each callback and how many status requests each job needed.
//
// With IICS_LOGIN_URL, IICS_USERNAME and IICS_PASSWORD set, it runs IICS_TASK_NAME (IICS_TASK_TYPE, default MTT) in that
// real org instead; the callback receiver runs only when IICS_CALLBACK_BASE_URL says where IICS can reach it
// (the app listens on IICS_CALLBACK_PORT, default 8080). IICS_POLL_INTERVAL_MS sets the polling (default 10 s; with a
// callback receiver, the fallback polls, default 60 s).
// With --trace (npm run demo -- --trace) it prints its OpenTelemetry spans (@iics-jobs/otel) at the end.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;
const log = (line) => console.log(`[${secs(Date.now() - started).padStart(6)}] ${line}`);

log('building the packages (tsc -b)…');
const build = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('demo: the build failed');
  process.exit(1);
}

// Before the client exists: the spans come from the diagnostics channels the packages publish on.
const tracing = process.argv.includes('--trace') ? (await import('./demo-trace.mjs')).startTracing() : undefined;
const { createIicsClient } = await import('@iics-jobs/client');
const { createCallbackMiddleware, callbackUrl, createCompletionHub } = await import('@iics-jobs/callback-express');
const { default: express } = await import('express');

const real = Boolean(process.env.IICS_LOGIN_URL && process.env.IICS_USERNAME && process.env.IICS_PASSWORD);
const TIME_SCALE = 0.02;

let fake;
let clientOptions;
let jobs;
let callbackBase;
let listenPort = 0;
if (real) {
  clientOptions = { loginUrl: process.env.IICS_LOGIN_URL, username: process.env.IICS_USERNAME, password: process.env.IICS_PASSWORD };
  const taskName = process.env.IICS_TASK_NAME;
  if (!taskName) {
    console.error('demo: set IICS_TASK_NAME (and IICS_TASK_TYPE, default MTT) to the task to run in your org');
    process.exit(64);
  }
  jobs = [{ label: taskName, request: { taskName, taskType: process.env.IICS_TASK_TYPE ?? 'MTT' } }];
  callbackBase = process.env.IICS_CALLBACK_BASE_URL;
  listenPort = Number(process.env.IICS_CALLBACK_PORT ?? 8080);
  log(`running ${taskName} in the real org at ${clientOptions.loginUrl}${callbackBase ? '' : ' (no callback receiver: IICS_CALLBACK_BASE_URL is not set)'}`);
} else {
  const { startFakeIics } = await import('@iics-jobs/testing');
  fake = await startFakeIics({
    timeScale: TIME_SCALE,
    tasks: [
      { name: 'MT_Load_Customers', type: 'MTT', durationMs: 60_000, outcome: 'success' },
      {
        name: 'LT_Nightly_Sales',
        type: 'WORKFLOW',
        path: 'Sales/Nightly/LT_Nightly_Sales',
        children: [
          { name: 'MT_Stage_Orders', type: 'MTT', durationMs: 40_000, outcome: 'success' },
          { name: 'MT_Publish_Orders', type: 'MTT', durationMs: 40_000, outcome: 'warning' },
        ],
      },
    ],
  });
  clientOptions = { loginUrl: fake.loginUrl, ...fake.credentials };
  jobs = [
    { label: 'MT_Load_Customers', request: { taskName: 'MT_Load_Customers', taskType: 'MTT' } },
    { label: 'LT_Nightly_Sales', request: { path: 'Sales/Nightly/LT_Nightly_Sales', taskType: 'WORKFLOW' } },
  ];
  log(`fake IICS at ${fake.loginUrl} (its clock runs ${1 / TIME_SCALE}x faster than real time)`);
}

// The callback receiver; its hub ends the client's waits.
let server;
let hub;
const callbacks = [];
let callbackArrived = () => {};
const secret = randomBytes(16).toString('hex');
if (!real || callbackBase) {
  hub = createCompletionHub();
  const app = express();
  app.post(
    '/iics/callback',
    createCallbackMiddleware({
      secret,
      hub,
      onCallback: async (callback) => {
        callbacks.push(callback);
        log(`callback received: ${callback.objectName ?? callback.objectId} run ${callback.runId} ${callback.status}`);
        callbackArrived();
      },
    }),
  );
  server = await new Promise((resolve, reject) => {
    const s = app.listen(listenPort, real ? undefined : '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  callbackBase ??= `http://127.0.0.1:${server.address().port}`;
  log(`callback receiver listening on port ${server.address().port}`);
}
const callbackURL = server ? callbackUrl(`${callbackBase.replace(/\/$/, '')}/iics/callback`, { secret }) : undefined;

const client = createIicsClient(clientOptions);
let exitCode = 0;
try {
  const finals = await Promise.all(
    jobs.map(async ({ label, request }) => {
      const run = await client.jobs.start({ ...request, ...(callbackURL ? { callbackURL } : {}) });
      log(`${label}: started, taskId ${run.taskId}, runId ${run.runId}`);
      const t0 = Date.now();
      let last = '';
      let lastAt = 0;
      const pollMs = process.env.IICS_POLL_INTERVAL_MS ? Number(process.env.IICS_POLL_INTERVAL_MS) : undefined;
      const status = await client.jobs.wait(
        { taskId: run.taskId, runId: run.runId },
        {
          // With the receiver, the callback ends the wait and polls are only the fallback; without it, plain polling.
          ...(hub ? { completions: hub, ...(pollMs ? { fallbackPollIntervalMs: pollMs } : {}) } : { pollIntervalMs: pollMs ?? 10_000 }),
          timeoutMs: real ? 2 * 60 * 60_000 : 60_000,
          onUpdate: (s) => {
            const rows = s.rows?.successTargetRows !== undefined
              ? ` target rows ${s.rows.successTargetRows} ok, ${s.rows.failedTargetRows ?? 0} failed`
              : '';
            const children = s.children?.length ? ` [${s.children.map((c) => `${c.taskName ?? c.taskId} ${c.state}`).join(', ')}]` : '';
            const line = `${s.state}${children}${rows}`;
            // A line when something changed, and at least every half second while it runs.
            if (line !== last || Date.now() - lastAt >= 500) {
              log(`${label}: ${line} (elapsed ${secs(Date.now() - t0)})`);
              last = line;
              lastAt = Date.now();
            }
          },
        },
      );
      log(`${label}: finished ${status.state}${status.errorMessage ? ` (${status.errorMessage})` : ''}, elapsed ${secs(Date.now() - t0)}`);
      const requests = `${status.statusRequests} status request${status.statusRequests === 1 ? '' : 's'}`;
      log(`${label}: ${status.endedBy === 'callback' ? `ended by the callback after ${requests}` : `ended by polling after ${requests}`}`);
      return { label, run, status };
    }),
  );
  if (server) {
    const deadline = Date.now() + (real ? 120_000 : 20_000);
    while (callbacks.length < finals.length && Date.now() < deadline) {
      await new Promise((resolve) => {
        callbackArrived = resolve;
        setTimeout(resolve, 250);
      });
    }
    if (callbacks.length < finals.length) {
      log(`only ${callbacks.length} of ${finals.length} callbacks arrived`);
      exitCode = 1;
    }
  }
  console.log('');
  for (const { label, run, status } of finals) {
    const cb = callbacks.find((c) => c.objectId === run.taskId && c.runId === run.runId);
    console.log(
      `${label.padEnd(20)} run ${String(run.runId).padEnd(4)} ${status.state.padEnd(8)} callback: ${(cb ? cb.status : '-').padEnd(9)} ` +
        `status requests: ${status.statusRequests} (ended by ${status.endedBy})`,
    );
    if (!['SUCCESS', 'WARNING'].includes(status.state)) exitCode = 1;
  }
  await client.close(); // logs out and closes the connections
} catch (error) {
  console.error(`demo failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  exitCode = 1;
} finally {
  await hub?.close();
  server?.close();
  server?.closeAllConnections?.();
  await fake?.close();
}
tracing?.print();
log(exitCode === 0 ? 'demo finished' : 'demo failed');
process.exit(exitCode);
