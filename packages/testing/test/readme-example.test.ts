import http from 'node:http';
import { expect, test } from 'vitest';
import type { ActivityLogEntry, JobResponse, LoginV2Response } from '@iics-jobs/schema';
import { deliverCallback, fixtures } from '@iics-jobs/testing';
import { useFakeIics } from '@iics-jobs/testing/vitest';

// A fake IICS for this file; 1000 times as fast as real time, so a 30 s job takes 30 ms.
const iics = useFakeIics({ timeScale: 0.001 });

test('a mapping task started by name runs to completion', async () => {
  // Log in as your code would: v2 login on the login host, then use the serverUrl it returns.
  const login = await fetch(`${iics.loginUrl}/ma/api/v2/user/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ '@type': 'login', ...iics.credentials }),
  });
  const { serverUrl, icSessionId } = (await login.json()) as LoginV2Response;

  const started = await fetch(`${serverUrl}/api/v2/job`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', icSessionId },
    body: JSON.stringify({ '@type': 'job', taskName: 'MT_Load', taskType: 'MTT' }),
  });
  const { taskId, runId } = (await started.json()) as JobResponse;

  const run = await iics.waitForRun(taskId, runId);
  expect(run.state).toBe('SUCCESS');

  const log = await fetch(`${serverUrl}/api/v2/activity/activityLog?taskId=${taskId}&runId=${runId}`, {
    headers: { icSessionId },
  });
  const [entry] = (await log.json()) as ActivityLogEntry[];
  expect(entry?.state).toBe(1); // 1 success, 2 warning, 3 failed
});

test('my callback receiver gets the callback even when it was down for 10 minutes', async () => {
  let firstAttemptAt: number | undefined;
  const receiver = http.createServer((_request, res) => {
    firstAttemptAt ??= iics.clock.now();
    const down = iics.clock.now() - firstAttemptAt < 10 * 60_000;
    res.writeHead(down ? 503 : 200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as { port: number };

  const result = await deliverCallback(`http://127.0.0.1:${port}/iics`, fixtures.callbackUrlResponse(), { clock: iics.clock });
  receiver.close();

  expect(result.delivered).toBe(true);
  // IICS's policy: three immediate attempts, then 30 s, 60 s, 120 s, then every 180 s.
  expect(result.attempts.map((a) => a.elapsedMs / 1000)).toEqual([0, 0, 0, 30, 90, 210, 390, 570, 750]);
});
