import { beforeAll, describe, expect, test } from 'vitest';
import { count, fake } from './helpers/fake.js';
import { ensureBuilt, envFor, runBin, type CliResult } from './helpers/cli.js';

// The built `iics-job` bin, spawned against a fake IICS over real HTTP.

beforeAll(() => ensureBuilt(), 60_000);

const LONG = { name: 'MT_Long', type: 'MTT' as const, queuedMs: 0, durationMs: 60_000_000 };
const FAST = ['--poll-interval', '10ms'];

function noSecrets(result: CliResult, password: string): void {
  expect(result.stdout).not.toContain(password);
  expect(result.stderr).not.toContain(password);
}

describe('iics-job run', () => {
  test.each([
    ['MT_Load', 'SUCCESS', 0],
    ['MT_Warning', 'WARNING', 1],
    ['MT_Fail', 'FAILED', 3],
  ] as const)('%s ends %s → exit %i, JSON lines on stdout', async (taskName, state, exitCode) => {
    const server = await fake();
    const result = await runBin(['run', '--task-name', taskName, '--task-type', 'MTT', ...FAST, '--json'], envFor(server));
    expect(result.code).toBe(exitCode);
    const run = server.runs[0]!;
    expect(result.events[0]).toMatchObject({ event: 'started', taskId: run.taskId, taskName, taskType: 'MTT', runId: 1 });
    expect(result.events.at(-1)).toMatchObject({ event: 'finished', taskId: run.taskId, runId: 1, state, terminal: true, exitCode });
    if (state !== 'SUCCESS') expect(result.events.at(-1)!.errorMessage).toMatch(/\S/);
    // Only the steps, each said as it began.
    expect(result.stderr).toBe(`iics-job: logging in to ${new URL(server.loginUrl).host} (v2)...\niics-job: starting ${taskName} (MTT)...\n`);
    noSecrets(result, server.credentials.password);
  });

  test('without a terminal, JSON lines even without --json; state changes are reported', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Slow', type: 'MTT', queuedMs: 250_000, durationMs: 400_000 }] });
    const result = await runBin(['run', '--task-name', 'MT_Slow', '--task-type', 'mtt', ...FAST], envFor(server));
    expect(result.code).toBe(0);
    expect(result.events.map((e) => e.event)).toEqual(['started', 'status', 'status', 'finished']);
    expect(result.events.slice(1, 3).map((e) => e.state)).toEqual(['QUEUED', 'RUNNING']);
  });

  test('by path, with v3 login (IICS_API_VERSION)', async () => {
    const server = await fake();
    const result = await runBin(['run', '--path', 'Sales/TEST/MT_Sales', '--task-type', 'MTT', ...FAST], envFor(server, { IICS_API_VERSION: 'v3' }));
    expect(result.code).toBe(0);
    expect(count(server, 'loginV3')).toBe(1);
    expect(count(server, 'lookup')).toBe(1);
    // The CLI logs out when it is done.
    expect(count(server, 'logout')).toBe(1);
  });

  test('--no-wait → exit 2 right after the start; status then says 6 while it runs', async () => {
    const server = await fake({ tasks: [LONG] });
    const started = await runBin(['run', '--task-name', 'MT_Long', '--task-type', 'MTT', '--no-wait'], envFor(server));
    expect(started.code).toBe(2);
    expect(started.events.map((e) => e.event)).toEqual(['started', 'not-waited']);
    const taskId = String(started.events[0]!.taskId);

    const status = await runBin(['status', '--task-id', taskId, '--run-id', '1', '--json'], envFor(server));
    expect(status.code).toBe(6);
    expect(status.events[0]).toMatchObject({ event: 'status', state: 'RUNNING', terminal: false, runId: 1 });

    const stop = await runBin(['stop', '--task-id', taskId, '--task-type', 'MTT', '--clean'], envFor(server));
    expect(stop.code).toBe(0);
    expect(stop.events[0]).toMatchObject({ event: 'stopped', cleanStop: true });
    expect(server.requests.find((r) => r.route === 'stop')!.query.cleanStop).toBe('true');

    await server.waitForRun(taskId, 1);
    const after = await runBin(['status', '--task-id', taskId, '--run-id', '1'], envFor(server));
    expect(after.code).toBe(3);
    expect(after.events[0]).toMatchObject({ state: 'FAILED', terminal: true });
  });

  test('--timeout ends the wait with exit 6; the job goes on', async () => {
    const server = await fake({ tasks: [LONG] });
    const result = await runBin(['run', '--task-name', 'MT_Long', '--task-type', 'MTT', ...FAST, '--timeout', '400ms'], envFor(server));
    expect(result.code).toBe(6);
    expect(result.events.at(-1)).toMatchObject({ event: 'timeout', runId: 1, state: 'RUNNING', exitCode: 6 });
    expect(server.runs[0]!.state).toBe('RUNNING');
  });

  test.each([
    ['an unknown task name', ['--task-name', 'MT_Nope', '--task-type', 'MTT']],
    ['the wrong task type', ['--task-name', 'MT_Load', '--task-type', 'DSS']],
    ['an unknown path', ['--path', 'Sales/Nope/MT_Nope', '--task-type', 'MTT']],
  ])('%s → exit 7 (failed to start)', async (_, args) => {
    const server = await fake();
    const result = await runBin(['run', ...args], envFor(server));
    expect(result.code).toBe(7);
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'IICS_TASK_NOT_FOUND', exitCode: 7 });
    expect(result.stderr).toContain('IICS_TASK_NOT_FOUND');
    expect(server.runs).toHaveLength(0);
  });

  test('a wrong password → exit 5, and the password is printed nowhere', async () => {
    const server = await fake();
    const result = await runBin(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--verbose'], envFor(server, { IICS_PASSWORD: 'not-the-Passw0rd' }));
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('IICS_AUTH_FAILED');
    noSecrets(result, 'not-the-Passw0rd');
  });

  test('a start request that times out → exit 4', async () => {
    const server = await fake();
    server.faults.latency('job', 3_000);
    const result = await runBin(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--request-timeout', '200ms'], envFor(server));
    expect(result.code).toBe(4);
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'IICS_TIMEOUT', exitCode: 4 });
  });

  test('a stop of a task that is not running → exit 5', async () => {
    const server = await fake();
    const result = await runBin(['stop', '--task-name', 'MT_Load', '--task-type', 'MTT'], envFor(server));
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('IICS_API_ERROR');
  });
});

describe('usage', () => {
  test('a task type outside TASK_TYPES → exit 64 with a short help on stderr, nothing sent', async () => {
    const server = await fake();
    const result = await runBin(['run', '--task-name', 'MT_Load', '--task-type', 'TASKFLOW'], envFor(server));
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('--task-type must be one of DMASK, DRS, DSS, MTT, PCS, WORKFLOW');
    expect(result.stderr).toContain('Usage: iics-job');
    expect(result.stdout).toBe('');
    expect(server.requests).toHaveLength(0);
  });

  test('--help → exit 0 with the exit code table', async () => {
    const result = await runBin(['run', '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: iics-job run');
    expect(result.stdout).toContain('6 still running when --timeout ended the wait');
  });

  test('no credentials in the environment → exit 64', async () => {
    const result = await runBin(['status', '--task-id', 'T', '--run-id', '1'], {});
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('IICS_LOGIN_URL');
  });
});
