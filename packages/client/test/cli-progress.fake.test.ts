import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { BIN, ensureBuilt, envFor, runBin } from './helpers/cli.js';
import { fake } from './helpers/fake.js';
import { capture } from './helpers/streams.js';

// The CLI never goes quiet: each step is said as it begins, JSON mode has heartbeats, a terminal an
// updating line; and Ctrl-C / SIGTERM either stops the job (--stop-on-interrupt) or says how to pick it up.

const LONG = { name: 'MT_Long', type: 'MTT' as const, queuedMs: 0, durationMs: 60_000_000 };

function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const giveUp = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      if (check()) {
        clearInterval(poll);
        clearTimeout(giveUp);
        resolve();
      }
    }, 5);
  });
}

function events(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A login host that accepts connections and never answers. */
async function silentHost(): Promise<string> {
  const server: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('each step on stderr as it begins', () => {
  test('a login host that never answers: "logging in" is printed while the login hangs, then exit 4', async () => {
    const loginUrl = await silentHost();
    const stdout = capture();
    const stderr = capture();
    let settled = false;
    const pending = main(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--request-timeout', '300ms'], {
      env: { IICS_LOGIN_URL: loginUrl, IICS_USERNAME: 'u', IICS_PASSWORD: 'p-Secret-1' },
      stdout,
      stderr,
    }).finally(() => (settled = true));
    await until(() => stderr.text().length > 0, 'the first step');
    expect(settled).toBe(false);
    expect(stderr.text()).toBe(`iics-job: logging in to ${new URL(loginUrl).host} (v2)...\n`);
    expect(await pending).toBe(4);
    expect(stderr.text()).toContain('IICS_TIMEOUT');
  });

  test('by path: logging in, looking up, starting, in that order, each once', async () => {
    const server = await fake();
    const result = await runBin(['run', '--path', 'Sales/TEST/MT_Sales', '--task-type', 'MTT', '--poll-interval', '10ms'], envFor(server, { IICS_API_VERSION: 'v3' }));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `iics-job: logging in to ${new URL(server.loginUrl).host} (v3)...\n` +
        'iics-job: looking up Sales/TEST/MT_Sales (MTT)...\n' +
        'iics-job: starting Sales/TEST/MT_Sales (MTT)...\n',
    );
    // The lookup the step announced is the only one: the start used its answer.
    expect(server.requests.filter((r) => r.route === 'lookup')).toHaveLength(1);
  });
});

describe('JSON mode: heartbeats while waiting', () => {
  test('--heartbeat 200ms on a job that does not change state: heartbeat lines with the run, its state and the time', async () => {
    const server = await fake({ tasks: [LONG] });
    const result = await runBin(
      ['run', '--task-name', 'MT_Long', '--task-type', 'MTT', '--poll-interval', '10ms', '--heartbeat', '200ms', '--timeout', '1500ms'],
      envFor(server),
    );
    expect(result.code).toBe(6);
    const beats = result.events.filter((e) => e.event === 'heartbeat');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    const run = server.runs[0]!;
    for (const beat of beats) expect(beat).toMatchObject({ taskId: run.taskId, runId: 1, state: 'RUNNING' });
    const elapsed = beats.map((b) => b.elapsedMs as number);
    expect([...elapsed].sort((a, b) => a - b)).toEqual(elapsed);
    expect(new Set(elapsed).size).toBe(elapsed.length);
  });

  test('the default heartbeat (60s) adds nothing to a short run', async () => {
    const server = await fake();
    const result = await runBin(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--poll-interval', '10ms'], envFor(server));
    expect(result.code).toBe(0);
    expect(result.events.filter((e) => e.event === 'heartbeat')).toEqual([]);
  });

  test.each([['0s'], ['-1m'], ['often']])('--heartbeat %s is a usage error naming the flag', async (value) => {
    const result = await runBin(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--heartbeat', value], { IICS_LOGIN_URL: 'http://127.0.0.1:1', IICS_USERNAME: 'u', IICS_PASSWORD: 'p' });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(`iics-job: --heartbeat must be a duration above zero`);
  });
});

describe('on a terminal: the progress line', () => {
  test('shows state, elapsed time and rows', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Slow', type: 'MTT', queuedMs: 100_000, durationMs: 300_000 }] });
    const stdout = capture(true);
    const code = await main(['run', '--task-name', 'MT_Slow', '--task-type', 'MTT', '--poll-interval', '10ms'], { env: envFor(server), stdout, stderr: capture() });
    expect(code).toBe(0);
    expect(stdout.text()).toMatch(/\r\x1b\[2KMT_Slow run 1: SUCCESS {2}\d:\d\d {2}250 rows/);
  });
});

describe('Ctrl-C or SIGTERM while waiting', () => {
  async function interrupt(extra: string[]) {
    const server = await fake({ tasks: [LONG] });
    const controller = new AbortController();
    const stdout = capture();
    const stderr = capture();
    const pending = main(['run', '--task-name', 'MT_Long', '--task-type', 'MTT', '--poll-interval', '10ms', ...extra], {
      env: envFor(server),
      stdout,
      stderr,
      signal: controller.signal,
    });
    await until(() => stdout.text().includes('"RUNNING"'), 'the run to be RUNNING');
    controller.abort();
    const code = await pending;
    return { server, code, stdout: stdout.text(), stderr: stderr.text() };
  }

  test('without --stop-on-interrupt: exit 130, the job goes on, and the exact commands to pick it up are printed', async () => {
    const { server, code, stderr } = await interrupt([]);
    expect(code).toBe(130);
    const run = server.runs[0]!;
    expect(run.state).toBe('RUNNING');
    expect(server.requests.some((r) => r.route === 'stop')).toBe(false);
    expect(stderr).toContain(`  iics-job status --task-id ${run.taskId} --run-id 1\n`);
    expect(stderr).toContain(`  iics-job stop --task-id ${run.taskId} --task-type MTT\n`);
    // The printed status command works as printed: the run is still going (6).
    const status = await runBin(['status', '--task-id', run.taskId, '--run-id', '1', '--json'], envFor(server));
    expect(status.code).toBe(6);
  });

  test('with --stop-on-interrupt: a clean stop of that task, then exit 130', async () => {
    const { server, code, stdout, stderr } = await interrupt(['--stop-on-interrupt']);
    expect(code).toBe(130);
    const stops = server.requests.filter((r) => r.route === 'stop');
    expect(stops).toHaveLength(1);
    expect(stops[0]!.query.cleanStop).toBe('true');
    expect(stops[0]!.body).toMatchObject({ taskId: server.runs[0]!.taskId, taskType: 'MTT' });
    expect(stderr).toContain('iics-job: stopping run 1 of MT_Long (clean stop, --stop-on-interrupt)...');
    expect(events(stdout).at(-1)).toMatchObject({ event: 'stopped', cleanStop: true, exitCode: 130 });
    await server.waitForRun(server.runs[0]!.taskId, 1);
    expect(server.runs[0]!.state).not.toBe('RUNNING');
  });

  describe('the built bin, sent a real SIGTERM', () => {
    beforeAll(() => ensureBuilt(), 60_000);

    test('--stop-on-interrupt stops the job before exiting 130', { timeout: 30_000 }, async () => {
      const server = await fake({ tasks: [LONG] });
      const child = spawn(process.execPath, [BIN, 'run', '--task-name', 'MT_Long', '--task-type', 'MTT', '--poll-interval', '10ms', '--stop-on-interrupt'], {
        env: { PATH: process.env.PATH ?? '', ...envFor(server) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      onTestFinished(() => void child.kill('SIGKILL'));
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      await until(() => stdout.includes('"RUNNING"'), 'the run to be RUNNING', 15_000);
      child.kill('SIGTERM');
      expect(await exited).toBe(130);
      expect(server.requests.filter((r) => r.route === 'stop').map((r) => r.query.cleanStop)).toEqual(['true']);
    });
  });
});
