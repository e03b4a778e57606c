import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { peakConcurrency } from '@iics-jobs/testing';
import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../src/cli/args.js';
import { worstExitCode } from '../src/cli/batch.js';
import { main } from '../src/cli/main.js';
import { GRID_PATHS, salesTasks } from './helpers/batch.js';
import { envFor } from './helpers/cli.js';
import { fake } from './helpers/fake.js';
import { capture } from './helpers/streams.js';

// `iics-job run` with several tasks and patterns, and `iics-job list`, in-process against the fake.

async function cli(argv: string[], server: Awaited<ReturnType<typeof fake>>, tty = false, signal?: AbortSignal) {
  const stdout = capture(tty);
  const stderr = capture();
  const code = await main(argv, { env: envFor(server), stdout, stderr, ...(signal ? { signal } : {}) });
  const events = stdout.text().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
  return { code, stdout: stdout.text(), stderr: stderr.text(), events };
}

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'iics-batch-'));
  const full = path.join(dir, name);
  await writeFile(full, text);
  return full;
}

describe('iics-job run with several tasks', () => {
  test('repeated flags keep every value, in the order given; patterns make a batch', () => {
    const parsed = parseCommandLine(['run', '--task-name', 'A', '--path', 'Sales/X/B', '--task-name', 'C', '--task-id', 'I1', '--task-type', 'mtt', '--concurrency', '3', '--stop-on-failure']);
    expect(parsed).toMatchObject({
      command: 'run',
      batch: {
        requests: [
          { taskName: 'A', taskType: 'MTT' },
          { path: 'Sales/X/B', taskType: 'MTT' },
          { taskName: 'C', taskType: 'MTT' },
          { taskId: 'I1', taskType: 'MTT' },
        ],
        concurrency: 3,
        stopOnFailure: true,
      },
    });
    expect(parseCommandLine(['run', '--path', 'Sales/*/MT_*'])).toMatchObject({ command: 'run', batch: { requests: [{ path: 'Sales/*/MT_*' }], concurrency: 1 } });
    // One plain task is the single run it always was; --no-wait and --heartbeat are for it alone.
    expect(parseCommandLine(['run', '--task-name', 'A', '--task-type', 'MTT'])).toMatchObject({ command: 'run', task: { taskName: 'A' } });
    expect(parseCommandLine(['run', '--task-name', 'A', '--task-type', 'MTT'])).not.toHaveProperty('batch');
    expect(() => parseCommandLine(['run', '--path', 'Sales/*', '--heartbeat', '10s'])).toThrow('--heartbeat takes one task');
    // Other flags still take one value.
    expect(() => parseCommandLine(['run', '--path', 'Sales/*', '--concurrency', '2', '--concurrency', '3'])).toThrow('--concurrency was given twice');
  });

  test('a table at the end (task, run, state, duration, rows); exit code the worst outcome', async () => {
    const server = await fake({
      tasks: [...salesTasks(20_000), { name: 'MT_Fail', type: 'MTT', durationMs: 20_000, outcome: 'failed' }, { name: 'MT_Warn', type: 'MTT', durationMs: 20_000, outcome: 'warning' }],
    });
    const { code, stdout, stderr } = await cli(
      ['run', '--path', 'Sales/East/MT_Load_?', '--task-name', 'MT_Warn', '--task-name', 'MT_Fail', '--task-type', 'MTT', '--concurrency', '2', '--poll-interval', '5ms'],
      server,
      true,
    );
    expect(code).toBe(3);
    const lines = stdout.trimEnd().split('\n');
    const header = lines.findIndex((l) => /^TASK +RUN +STATE +DURATION +ROWS$/.test(l));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 1).map((l) => l.split(/ {2,}/));
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['Sales/East/MT_Load_1', '1', 'SUCCESS'],
      ['Sales/East/MT_Load_2', '1', 'SUCCESS'],
      ['Sales/East/MT_Load_3', '1', 'SUCCESS'],
      ['Sales/East/MT_Load_4', '1', 'SUCCESS'],
      ['MT_Warn', '1', 'WARNING'],
      ['MT_Fail', '1', 'FAILED'],
    ]);
    for (const r of rows) {
      expect(r[3]).toMatch(/^\d+:\d\d$/);
      expect(r[4]).toMatch(/^\d+ ok, \d+ failed$/);
    }
    expect(stdout).toMatch(/^Started Sales\/East\/MT_Load_1 \(MTT\): task \w+, run 1$/m);
    expect(stderr).toBe('');
    expect(peakConcurrency(server.runs).peak).toBe(2);
  });

  test('--json: one line per task; a pattern without a match is exit 7 naming it, beside a warning', async () => {
    const server = await fake({ tasks: [...salesTasks(20_000), { name: 'MT_Warn', type: 'MTT', durationMs: 20_000, outcome: 'warning' }] });
    const { code, events, stderr } = await cli(['run', '--task-name', 'MT_Warn', '--task-type', 'MTT', '--path', 'Nope/*', '--poll-interval', '5ms', '--json'], server);
    expect(code).toBe(7);
    expect(events.map((e) => e.event)).toEqual(['task', 'task']);
    expect(events[0]).toMatchObject({ index: 0, task: 'MT_Warn', state: 'WARNING', runId: 1, exitCode: 1 });
    expect(events[1]).toMatchObject({ index: 1, task: 'Nope/*', pattern: 'Nope/*', state: 'NOT STARTED', exitCode: 7, error: { code: 'IICS_TASK_NOT_FOUND' } });
    expect(events[1]!.error.message).toContain('"Nope/*"');
    expect(stderr).toContain('Nope/*');
  });

  test('worst outcome by RunAJob order: 7 > 5 > 4 > 3 > 6 > 1 > 0', () => {
    expect(worstExitCode([0, 1, 6, 3, 4, 5, 7])).toBe(7);
    expect(worstExitCode([0, 1, 6, 3, 4, 5])).toBe(5);
    expect(worstExitCode([0, 1, 6, 3, 4])).toBe(4);
    expect(worstExitCode([6, 3, 1])).toBe(3);
    expect(worstExitCode([1, 6, 0])).toBe(6);
    expect(worstExitCode([0, 1])).toBe(1);
    expect(worstExitCode([])).toBe(0);
  });

  test('a wait that times out is exit 6, still worse than a warning, better than a failure', async () => {
    const server = await fake({ tasks: [{ name: 'MT_Long', type: 'MTT', durationMs: 10_000_000 }, { name: 'MT_Warn', type: 'MTT', durationMs: 10_000, outcome: 'warning' }] });
    const { code, events } = await cli(['run', '--task-name', 'MT_Long', '--task-name', 'MT_Warn', '--task-type', 'MTT', '--concurrency', '2', '--poll-interval', '5ms', '--timeout', '300ms', '--json'], server);
    expect(code).toBe(6);
    // Lines come as tasks end; index is the place in the batch.
    expect(events.sort((a, b) => a.index - b.index).map((e) => e.exitCode)).toEqual([6, 1]);
  });

  test('--stop-on-failure with --concurrency 1: nothing starts after the failure', async () => {
    const server = await fake({ tasks: [{ name: 'MT_A', type: 'MTT', durationMs: 10_000 }, { name: 'MT_Fail', type: 'MTT', durationMs: 10_000, outcome: 'failed' }, { name: 'MT_C', type: 'MTT', durationMs: 10_000 }] });
    const { code, events } = await cli(['run', '--task-name', 'MT_A', '--task-name', 'MT_Fail', '--task-name', 'MT_C', '--task-type', 'MTT', '--stop-on-failure', '--poll-interval', '5ms', '--json'], server);
    expect(code).toBe(3);
    expect(events.map((e) => e.state)).toEqual(['SUCCESS', 'FAILED', 'SKIPPED']);
    expect(events[2]).toMatchObject({ skipped: 'stop-on-failure' });
    expect(server.runs.map((r) => r.taskName)).toEqual(['MT_A', 'MT_Fail']);
  });

  test('--from-file: a path or pattern a line, or JSON; the 12 tasks of 3 folders with --concurrency 4', async () => {
    const server = await fake({ tasks: [...salesTasks(200_000), { name: 'MT_Load', type: 'MTT', durationMs: 10_000 }] });
    const lines = await file('tasks.txt', '# nightly\nSales/East/MT_Load_?\n\nSales/West/MT_Load_?\nSales/North/MT_Load_?\n');
    const text = await cli(['run', '--from-file', lines, '--concurrency', '4', '--poll-interval', '5ms', '--json'], server);
    expect(text.code).toBe(0);
    expect(text.events.map((e) => e.task).sort()).toEqual(GRID_PATHS);
    expect(peakConcurrency(server.runs).peak).toBe(4);

    const json = await file('tasks.json', JSON.stringify([{ taskName: 'MT_Load', taskType: 'MTT' }, 'Sales/East/MT_Load_1']));
    const fromJson = await cli(['run', '--from-file', json, '--poll-interval', '5ms', '--json'], server);
    expect(fromJson.code).toBe(0);
    expect(fromJson.events.map((e) => [e.task, e.state])).toEqual([['MT_Load', 'SUCCESS'], ['Sales/East/MT_Load_1', 'SUCCESS']]);

    const bad = await file('bad.json', JSON.stringify([{ taskName: 'MT_Load' }]));
    const refused = await cli(['run', '--from-file', bad], server);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('bad.json[0]: --task-type is required');
  });

  test('an interrupt mid-batch stops what runs and starts nothing more (exit 130)', async () => {
    const server = await fake({ tasks: ['MT_1', 'MT_2', 'MT_3'].map((name) => ({ name, type: 'MTT' as const, queuedMs: 0, durationMs: 60_000_000 })) });
    const controller = new AbortController();
    const pending = cli(['run', '--task-name', 'MT_1', '--task-name', 'MT_2', '--task-name', 'MT_3', '--task-type', 'MTT', '--poll-interval', '5ms', '--json'], server, false, controller.signal);
    while (!server.runs.some((r) => r.state === 'RUNNING')) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const { code, events } = await pending;
    expect(code).toBe(130);
    expect(events.map((e) => e.state), JSON.stringify(events[0])).toEqual(['STOPPED', 'SKIPPED', 'SKIPPED']);
    expect(server.runs).toHaveLength(1);
    expect(server.runs[0]!.stoppedBy).toBe(server.credentials.username);
  });
});

describe('iics-job list', () => {
  test("--path 'Sales/**' lists what the pattern matches without running it", async () => {
    const server = await fake({ tasks: salesTasks() });
    const { code, stdout } = await cli(['list', '--path', 'Sales/**'], server, true);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PATH +TYPE +ID$/);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/)[0])).toContain('Sales/East/Archive/MT_Load_1');
    expect(lines).toHaveLength(17);
    expect(server.runs).toHaveLength(0);

    const json = await cli(['list', '--path', 'Sales/*/MT_Load_?', '--task-type', 'MTT', '--json'], server);
    expect(json.events.map((e) => e.path)).toEqual(GRID_PATHS);
    expect(json.events[0]).toMatchObject({ event: 'task', type: 'MTT', name: 'MT_Load_1', id: expect.any(String) });
  });

  test('no match: an error naming the pattern, exit 5', async () => {
    const server = await fake({ tasks: salesTasks() });
    const { code, stderr } = await cli(['list', '--path', 'Sales/*/Nope_*'], server);
    expect(code).toBe(5);
    expect(stderr).toContain('"Sales/*/Nope_*"');
  });
});
