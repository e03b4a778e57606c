#!/usr/bin/env node
// A scheduler-style script: runs a list of IICS tasks one after another and stops at the first failure.
//
//   IICS_LOGIN_URL=https://dm-us.informaticacloud.com IICS_USERNAME=... IICS_PASSWORD=... \
//     node examples/scheduler.mjs plan.json
//
// plan.json is a list of tasks, each named as @iics-jobs/client's jobs.start takes it:
//   [{ "taskName": "MT_Stage", "taskType": "MTT" }, { "path": "Sales/Nightly/LT_Publish", "taskType": "WORKFLOW" }]
// Exit codes follow Informatica's RunAJob utility: 0 all succeeded, 1 some ended with warnings, 3 one failed,
// 5 an error talking to IICS, 6 a task was still running at the timeout (IICS_TIMEOUT_MS, default 2 hours).
import { readFile } from 'node:fs/promises';
import { createIicsClient, IicsWaitTimeoutError, isIicsError } from '@iics-jobs/client';

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
const waitOptions = {
  pollIntervalMs: Number(process.env.IICS_POLL_INTERVAL_MS ?? 10_000),
  timeoutMs: Number(process.env.IICS_TIMEOUT_MS ?? 2 * 60 * 60_000),
};

let exitCode = 0;
try {
  for (const [index, task] of plan.entries()) {
    const name = task.taskName ?? task.path ?? task.taskFederatedId ?? task.taskId;
    const status = await client.jobs.run(task, waitOptions);
    console.log(`${index + 1}/${plan.length} ${name}: ${status.state} (run ${status.runId})${status.errorMessage ? ` ${status.errorMessage}` : ''}`);
    if (status.state === 'WARNING') exitCode = 1;
    if (status.state !== 'SUCCESS' && status.state !== 'WARNING') {
      console.log(`stopping: ${plan.length - index - 1} task(s) not run`);
      exitCode = 3;
      break;
    }
  }
} catch (error) {
  if (error instanceof IicsWaitTimeoutError) {
    console.error(`still running at the timeout: ${error.message}`);
    exitCode = 6;
  } else if (isIicsError(error)) {
    console.error(`${error.code}: ${error.message}`);
    exitCode = 5;
  } else {
    throw error;
  }
} finally {
  await client.close().catch(() => {}); // logs out and closes the connections
}
process.exit(exitCode);
