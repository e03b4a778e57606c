import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { envFor } from './helpers/cli.js';
import { fake } from './helpers/fake.js';
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
    expect(stderr.text()).toBe('');
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
