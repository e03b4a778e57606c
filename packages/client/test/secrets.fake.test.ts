import { inspect } from 'node:util';
import { expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { clientFor, fake, recordingDispatcher } from './helpers/fake.js';
import { envFor } from './helpers/cli.js';
import { capture } from './helpers/streams.js';

test('no password or session id appears in any error message, log line or CLI output', async () => {
  const server = await fake({ tasks: [{ name: 'MT_Slow', type: 'MTT', queuedMs: 0, durationMs: 200_000 }, { name: 'MT_Long', type: 'MTT', durationMs: 60_000_000 }] });
  const { dispatcher, sessionIds } = recordingDispatcher();
  const password = server.credentials.password;
  const seen: string[] = [];
  const keep = (error: unknown): void => {
    seen.push(String(error), inspect(error, { depth: 10 }), JSON.stringify(error), (error as Error).stack ?? '');
  };

  for (const apiVersion of ['v2', 'v3'] as const) {
    const { client, logs } = clientFor(server, { dispatcher, apiVersion, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
    // A run with a session expiry in the middle: two sessions, one re-login.
    let expired = false;
    await client.jobs.run(
      { taskName: 'MT_Slow', taskType: 'MTT' },
      {
        pollIntervalMs: 10,
        onUpdate: (s) => {
          if (!expired && s.state === 'RUNNING') {
            expired = true;
            server.faults.expireSessions();
          }
        },
      },
    );
    // Errors of every kind the fake can produce.
    await client.jobs.start({ taskName: 'MT_Nope', taskType: 'MTT' }).catch(keep);
    await client.tasks.lookup({ path: 'Nope/Nope', type: 'MTT' }).catch(keep);
    await client.jobs.stop({ taskName: 'MT_Slow', taskType: 'MTT' }).catch(keep);
    server.faults.failNext('activityMonitor', 5, 503);
    await client.jobs.status({ taskId: server.tasks[0]!.id, runId: 1 }).catch(keep);
    server.faults.dropNext('job', 1);
    await client.jobs.start({ taskName: 'MT_Long', taskType: 'MTT' }).catch(keep);
    await client.jobs.run({ taskName: 'MT_Long', taskType: 'MTT' }, { pollIntervalMs: 10, timeoutMs: 50 }).catch(keep);
    await client.jobs.status({ taskId: server.tasks[0]!.id, runId: 1 }, { signal: AbortSignal.abort() }).catch(keep);
    seen.push(...logs, String(client), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client));
    await client.logout();
  }

  const wrong = clientFor(server, { dispatcher, password: 'Wr0ng-password!' });
  await wrong.client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' }).catch(keep);
  seen.push(...wrong.logs);

  // The CLI, with every log line on, through the same recording dispatcher.
  for (const argv of [
    ['run', '--task-name', 'MT_Slow', '--task-type', 'MTT', '--poll-interval', '10ms', '--verbose'],
    ['run', '--task-name', 'MT_Nope', '--task-type', 'MTT', '--verbose', '--json'],
    ['status', '--task-id', server.tasks[0]!.id, '--run-id', '1', '--verbose'],
  ]) {
    const stdout = capture();
    const stderr = capture();
    await main(argv, { env: envFor(server), stdout, stderr, dispatcher });
    seen.push(stdout.text(), stderr.text());
  }
  const badCli = capture();
  await main(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--verbose'], {
    env: envFor(server, { IICS_PASSWORD: 'Wr0ng-password!' }),
    stdout: badCli,
    stderr: badCli,
    dispatcher,
  });
  seen.push(badCli.text());

  // The test saw real sessions and real errors, so the check below means something.
  expect(sessionIds.size).toBeGreaterThanOrEqual(5);
  expect(seen.filter((s) => /IICS_(TASK_NOT_FOUND|API_ERROR|NETWORK|WAIT_TIMEOUT|ABORTED|AUTH_FAILED)/.test(s)).length).toBeGreaterThan(10);
  const everything = seen.join('\n');
  expect(everything).toContain('Logged in to IICS');
  for (const secret of [password, 'Wr0ng-password!', ...sessionIds]) {
    expect(everything.includes(secret), `a secret leaked: ${secret.slice(0, 3)}…`).toBe(false);
  }
});
