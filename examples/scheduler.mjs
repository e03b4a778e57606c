#!/usr/bin/env node
// A scheduler-style script on client.jobs.runMany: runs a plan of IICS tasks and patterns, in order (or
// IICS_CONCURRENCY at a time), and starts nothing more after the first failure.
//
//   IICS_LOGIN_URL=https://dm-us.informaticacloud.com IICS_USERNAME=... IICS_PASSWORD=... \
//     node examples/scheduler.mjs plan.json
//
// plan.json is a list of tasks, each named as @iics-jobs/client's jobs.start takes it, or a path pattern
// (* and ? within a part of the path, ** across folders; each task it matches runs with its own type):
//   [{ "taskName": "MT_Stage", "taskType": "MTT" }, { "path": "Sales/*/MT_Load_*" }, { "path": "Sales/Nightly/LT_Publish", "taskType": "WORKFLOW" }]
// Exit codes follow Informatica's RunAJob utility, the worst of the tasks: 7 one could not start (or a pattern
// matched nothing), 5 an error talking to IICS, 3 one failed, 6 one was still running at the timeout
// (IICS_TIMEOUT_MS per task, default 2 hours), 1 some ended with warnings, 0 all succeeded. Ctrl-C stops the
// running tasks (exit 130).
import { readFile } from 'node:fs/promises';
import { createIicsClient } from '@iics-jobs/client';

const planFile = process.argv[2];
if (!planFile) {
  console.error('usage: node examples/scheduler.mjs plan.json');
  process.exit(64);
}
const plan = JSON.parse(await readFile(planFile, 'utf8'));
const client = createIicsClient({
  loginUrl: process.env.IICS_LOGIN_URL,
  username: process.env.IICS_USERNAME,
  password: process.env.IICS_PASSWORD,
});
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());

// RunAJob's outcomes, worst first.
const WORST_FIRST = [7, 5, 4, 3, 6, 1, 0];
const codeOf = (result) => {
  if (result.error) return result.started ? (result.error.code === 'IICS_WAIT_TIMEOUT' ? 6 : 5) : result.error.code === 'IICS_TASK_NOT_FOUND' ? 7 : 5;
  return { SUCCESS: 0, WARNING: 1, FAILED: 3 }[result.status.state] ?? 5;
};

let exitCode = 0;
try {
  const results = await client.jobs.runMany(plan, {
    concurrency: Number(process.env.IICS_CONCURRENCY ?? 1),
    stopOnFailure: true,
    pollIntervalMs: Number(process.env.IICS_POLL_INTERVAL_MS ?? 10_000),
    timeoutMs: Number(process.env.IICS_TIMEOUT_MS ?? 2 * 60 * 60_000),
    signal: interrupt.signal,
  });
  const ran = results.filter((r) => !r.skipped);
  for (const [index, result] of ran.entries()) {
    const name = result.task?.path ?? result.request.taskName ?? result.request.path ?? result.request.taskFederatedId ?? result.request.taskId;
    const what = result.status
      ? `${result.status.state}${result.started ? ` (run ${result.started.runId})` : ''}${result.status.errorMessage ? ` ${result.status.errorMessage}` : ''}`
      : `${result.error.code}: ${result.error.message}`;
    console.log(`${index + 1}/${results.length} ${name}: ${what}`);
    const code = codeOf(result);
    if (WORST_FIRST.indexOf(code) < WORST_FIRST.indexOf(exitCode)) exitCode = code;
  }
  if (ran.length < results.length) console.log(`stopping: ${results.length - ran.length} task(s) not run`);
  if (interrupt.signal.aborted) exitCode = 130;
} finally {
  await client.close().catch(() => {}); // logs out and closes the connections
}
process.exit(exitCode);
