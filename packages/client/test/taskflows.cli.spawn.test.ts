import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fake } from './helpers/fake.js';
import { ensureBuilt, envFor, runBin } from './helpers/cli.js';

// The built `iics-job` bin, spawned against the built `iics-fake` bin (two processes, real HTTP).

const FAKE_BIN = fileURLToPath(new URL('../../testing/dist/cli.js', import.meta.url));
const FAST = ['--poll-interval', '10ms', '--json'];

let fakeProcess: ChildProcess;
let env: Record<string, string>;

/** Starts `iics-fake` on a free port at 1000x speed and reads the URLs and credentials it prints. */
async function startFakeBin(): Promise<{ child: ChildProcess; info: { loginUrl: string; username: string; password: string; taskflows: Array<{ apiName: string }> } }> {
  const child = spawn(process.execPath, [FAKE_BIN, '--port', '0', '--time-scale', '0.001', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const info = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`iics-fake printed nothing in 15 s: ${out}`)), 15_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on('exit', (code) => reject(new Error(`iics-fake exited ${code}`)));
  });
  return { child, info: JSON.parse(info) };
}

beforeAll(async () => {
  await ensureBuilt();
  const started = await startFakeBin();
  fakeProcess = started.child;
  expect(started.info.taskflows.map((t) => t.apiName)).toEqual(['TF_Orders', 'TF_Fails', 'TF_Suspends']);
  env = { IICS_LOGIN_URL: started.info.loginUrl, IICS_USERNAME: started.info.username, IICS_PASSWORD: started.info.password };
}, 60_000);
afterAll(() => {
  fakeProcess?.kill('SIGTERM');
});

describe('iics-job run --task-type TASKFLOW against iics-fake', () => {
  test('to SUCCESS → exit 0; the run id printed is 18-20 digits, exact', async () => {
    const result = await runBin(['run', '--task-type', 'TASKFLOW', '--api-name', 'TF_Orders', '--input', 'orderId=42', '--input', 'note=a=b', ...FAST], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const runId = result.events[0]!.runId as string;
    expect(result.events[0]).toMatchObject({ event: 'started', taskType: 'TASKFLOW', apiName: 'TF_Orders' });
    expect(runId).toMatch(/^\d{18,20}$/);
    expect(result.events.at(-1)).toMatchObject({ event: 'finished', runId, state: 'SUCCESS', terminal: true, exitCode: 0 });
    // The raw line carries the id as a JSON string: no digit lost on the way.
    expect(result.stdout).toContain(`"runId":"${runId}"`);
    const status = await runBin(['status', '--task-type', 'TASKFLOW', '--run-id', runId, '--json'], env);
    expect(status.code).toBe(0);
    expect(status.events[0]).toMatchObject({ event: 'status', runId, state: 'SUCCESS' });
  });

  test('to FAILED → exit 3 with the error message', async () => {
    const result = await runBin(['run', '--task-type', 'TASKFLOW', '--api-name', 'TF_Fails', ...FAST], env);
    expect(result.code).toBe(3);
    expect(result.events.at(-1)).toMatchObject({ event: 'finished', state: 'FAILED', exitCode: 3 });
    expect(result.events.at(-1)!.errorMessage).toMatch(/failed/);
  });

  test('to SUSPENDED → exit 3 naming the resume command; resume → exit 0; then it ends SUCCESS', async () => {
    const result = await runBin(['run', '--task-type', 'TASKFLOW', '--api-name', 'TF_Suspends', '--instance-name', 'nightly', ...FAST], env);
    expect(result.code).toBe(3);
    const runId = result.events[0]!.runId as string;
    expect(result.events.at(-1)).toMatchObject({ event: 'finished', state: 'SUSPENDED', suspended: true, terminal: false, resume: `iics-job resume --run-id ${runId}`, exitCode: 3 });
    expect(result.events.at(-1)!.name).toBe(`TF_Suspends-nightly-${runId}`);
    expect(result.stderr).toContain(`Resume it with: iics-job resume --run-id ${runId}`);

    const resumed = await runBin(['resume', '--run-id', runId, '--json'], env);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.events[0]).toMatchObject({ event: 'resumed', runId, skipFault: false });

    let final = await runBin(['status', '--task-type', 'TASKFLOW', '--run-id', runId, '--json'], env);
    for (let i = 0; i < 20 && final.code === 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      final = await runBin(['status', '--task-type', 'TASKFLOW', '--run-id', runId, '--json'], env);
    }
    expect(final.code).toBe(0);
    expect(final.events[0]).toMatchObject({ state: 'SUCCESS' });

    // A second resume: the run is not suspended any more → usage error naming the state.
    const again = await runBin(['resume', '--run-id', runId], env);
    expect(again.code).toBe(64);
    expect(again.stderr).toContain('is SUCCESS, not SUSPENDED');
  });

  test('an unknown API name → exit 7 (failed to start)', async () => {
    const result = await runBin(['run', '--task-type', 'TASKFLOW', '--api-name', 'TF_Nope', ...FAST], env);
    expect(result.code).toBe(7);
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'IICS_TASK_NOT_FOUND', exitCode: 7 });
  });
});

describe('iics-job stop, --no-wait and usage for taskflows', () => {
  test('--no-wait → exit 2; stop (terminate) → exit 0; the run ends STOPPED → status exit 3', async () => {
    const server = await fake({ tasks: [{ type: 'TASKFLOW', apiName: 'TF_Long', durationMs: 60_000_000 }] });
    const started = await runBin(['run', '--task-type', 'TASKFLOW', '--api-name', 'TF_Long', '--no-wait', '--json'], envFor(server));
    expect(started.code).toBe(2);
    const runId = started.events[0]!.runId as string;
    expect(server.taskflowRuns[0]!.runId).toBe(runId);
    const running = await runBin(['status', '--task-type', 'TASKFLOW', '--run-id', runId, '--json'], envFor(server));
    expect(running.code).toBe(6);
    const stop = await runBin(['stop', '--task-type', 'TASKFLOW', '--run-id', runId, '--json'], envFor(server));
    expect(stop.code).toBe(0);
    expect(stop.events[0]).toMatchObject({ event: 'stopped', runIds: [runId], calls: 1 });
    const after = await runBin(['status', '--task-type', 'TASKFLOW', '--run-id', runId, '--json'], envFor(server));
    expect(after.code).toBe(3);
    expect(after.events[0]).toMatchObject({ state: 'STOPPED', terminal: true });
  });

  test('--timeout ends the wait with exit 6; the run goes on', async () => {
    const server = await fake({ tasks: [{ type: 'TASKFLOW', apiName: 'TF_Long', durationMs: 60_000_000 }] });
    const result = await runBin(['run', '--task-type', 'TASKFLOW', '--api-name', 'TF_Long', ...FAST, '--timeout', '300ms'], envFor(server));
    expect(result.code).toBe(6);
    expect(result.events.at(-1)).toMatchObject({ event: 'timeout', state: 'RUNNING', exitCode: 6 });
    expect(server.taskflowRuns[0]!.state).toBe('RUNNING');
  });

  test.each([
    [['run', '--task-type', 'TASKFLOW'], '--api-name NAME'],
    [['run', '--task-type', 'TASKFLOW', '--api-name', 'has space'], '--api-name must be'],
    [['run', '--task-type', 'TASKFLOW', '--api-name', 'TF', '--input', 'novalue'], '--input takes key=value'],
    [['status', '--task-type', 'TASKFLOW', '--run-id', '12ab'], '--run-id must be the digits'],
    [['resume'], 'resume needs --run-id'],
    [['run', '--task-type', 'MTT', '--api-name', 'TF'], 'for --task-type TASKFLOW'],
  ])('%j → exit 64, nothing sent', async (args, message) => {
    const server = await fake();
    const result = await runBin(args, envFor(server));
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(message);
    expect(server.requests).toHaveLength(0);
  });
});
