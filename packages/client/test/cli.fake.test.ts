import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { envFor } from './helpers/cli.js';
import { count, fake } from './helpers/fake.js';
import { capture } from './helpers/streams.js';

// The CLI in-process (main(argv, io)), for what a spawned process cannot show: a terminal, a signal.

describe('iics-job in-process', () => {
  test('on a terminal: one progress line updated in place, then a summary', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Slow', type: 'MTT', queuedMs: 200_000, durationMs: 400_000 }] });
    const stdout = capture(true);
    const stderr = capture();
    const code = await main(['run', '--task-name', 'MT_Slow', '--task-type', 'MTT', '--poll-interval', '10ms'], { env: envFor(server), stdout, stderr });
    expect(code).toBe(0);
    const text = stdout.text();
    expect(text).toMatch(/^Started MT_Slow \(MTT\): task \w+, run 1\n/);
    // Each update rewrites the same line: carriage return, clear line, state and elapsed time.
    expect(text).toMatch(/\r\x1b\[2KMT_Slow run 1: QUEUED {2}0:0\d/);
    expect(text).toMatch(/\r\x1b\[2KMT_Slow run 1: RUNNING {2}0:0\d/);
    expect(text).toMatch(/\nMT_Slow run 1: SUCCESS after 0:0\d \(\d+ target rows written, 0 failed\)\n$/);
    expect(text).not.toContain('{"event"');
    expect(stderr.text()).toBe(`iics-job: logging in to ${new URL(server.loginUrl).host} (v2)...\niics-job: starting MT_Slow (MTT)...\n`);
  });

  test('--json on a terminal still prints JSON lines', async () => {
    const server = await fake();
    const stdout = capture(true);
    const code = await main(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--poll-interval', '10ms', '--json'], {
      env: envFor(server),
      stdout,
      stderr: capture(),
    });
    expect(code).toBe(0);
    const lines = stdout.text().trim().split('\n');
    expect(lines.every((l) => l.startsWith('{'))).toBe(true);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ event: 'finished', state: 'SUCCESS', exitCode: 0 });
  });

  test('a signal stops the wait (exit 130), logs out, and leaves the job running', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Long', type: 'MTT', queuedMs: 0, durationMs: 60_000_000 }] });
    const controller = new AbortController();
    const stdout = capture();
    const stderr = capture();
    const pending = main(['run', '--task-name', 'MT_Long', '--task-type', 'MTT', '--poll-interval', '10ms'], {
      env: envFor(server),
      stdout,
      stderr,
      signal: controller.signal,
    });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (stdout.text().includes('"RUNNING"')) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    controller.abort();
    expect(await pending).toBe(130);
    expect(stderr.text()).toContain('IICS_ABORTED');
    expect(server.runs[0]!.state).toBe('RUNNING');
    expect(server.requests.some((r) => r.route === 'logout')).toBe(true);
  });

  test('--verbose logs logins and retries to stderr', async () => {
    const server = await fake();
    server.faults.failNext('lookup', 1, 503);
    const stderr = capture();
    const code = await main(['run', '--path', 'Sales/TEST/MT_Sales', '--task-type', 'MTT', '--no-wait', '--verbose'], {
      env: envFor(server),
      stdout: capture(),
      stderr,
    });
    expect(code).toBe(2);
    expect(stderr.text()).toContain('[info] Logged in to IICS');
    expect(stderr.text()).toContain('[warn] POST /public/core/v3/lookup failed; retry 1 of 5');
    expect(stderr.text()).toContain('[info] Started IICS job');
  });
});

describe('iics-job exit codes: a failed login or lookup is an error (5), not a rejected start (7)', () => {
  async function runAgainst(server: Awaited<ReturnType<typeof fake>>, args: string[], extraEnv: Record<string, string> = {}) {
    const stdout = capture();
    const stderr = capture();
    const code = await main(['run', ...args, '--task-type', 'MTT', '--json'], { env: envFor(server, extraEnv), stdout, stderr });
    const events = stdout
      .text()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { code, events, stderr: stderr.text() };
  }

  // The login is lazy and runs inside jobs.start; so does the --path lookup.
  test.each([
    ['v2 login answering 501', 'loginV2', 501, ['--task-name', 'MT_Load'], {}],
    ['v2 login answering 404', 'loginV2', 404, ['--task-name', 'MT_Load'], {}],
    ['v2 login answering 505', 'loginV2', 505, ['--task-name', 'MT_Load'], {}],
    ['v3 login answering 501', 'loginV3', 501, ['--task-name', 'MT_Load'], { IICS_API_VERSION: 'v3' }],
    ['v2 login answering 404 before a --path lookup', 'loginV2', 404, ['--path', 'Sales/TEST/MT_Sales'], {}],
    ['a --path lookup answering 501', 'lookup', 501, ['--path', 'Sales/TEST/MT_Sales'], {}],
    ['a --path lookup answering 505', 'lookup', 505, ['--path', 'Sales/TEST/MT_Sales'], {}],
  ] as const)('%s → exit 5, no start sent', async (_, route, status, args, extraEnv) => {
    const server = await fake();
    server.faults.failNext(route, 1, status);
    const result = await runAgainst(server, [...args], extraEnv);
    expect(result.code).toBe(5);
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'IICS_API_ERROR', exitCode: 5 });
    expect(result.stderr).toContain('IICS_API_ERROR');
    expect(count(server, 'job')).toBe(0);
  });

  test('the start request itself answering an error is still 7', async () => {
    const server = await fake();
    server.faults.failNext('job', 1, 503);
    const result = await runAgainst(server, ['--task-name', 'MT_Load']);
    expect(result.code).toBe(7);
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'IICS_API_ERROR', exitCode: 7 });
    expect(server.runs).toHaveLength(0);
  });
});

describe('iics-job duration flags are checked in full before anything is sent', () => {
  test.each([
    [['--timeout', '2200000'], '--timeout'],
    [['--timeout', '600h'], '--timeout'],
    [['--poll-interval', '2200000'], '--poll-interval'],
    [['--request-timeout', '2d'], '--request-timeout'],
    [['--request-timeout', '86401'], '--request-timeout'],
  ])('%j → exit 64 naming the flag; the fake got no request', async (flags, flag) => {
    const server = await fake();
    const stdout = capture();
    const stderr = capture();
    const code = await main(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', ...flags], { env: envFor(server), stdout, stderr });
    expect(code).toBe(64);
    expect(stderr.text()).toContain(`iics-job: ${flag} must be at most `);
    expect(stderr.text()).toContain('Usage: iics-job run');
    // The client's option names are not the user's.
    expect(stderr.text()).not.toMatch(/timeoutMs|pollIntervalMs|timeouts\./);
    expect(stdout.text()).toBe('');
    expect(server.requests).toHaveLength(0);
    expect(server.runs).toHaveLength(0);
  });

  test('each flag at its limit is accepted and the job runs', async () => {
    const server = await fake();
    const flags = ['--request-timeout', '24h', '--timeout', '596h31m23s647ms', '--poll-interval', '10ms'];
    const code = await main(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', ...flags, '--json'], {
      env: envFor(server),
      stdout: capture(),
      stderr: capture(),
    });
    expect(code).toBe(0);
  });
});
