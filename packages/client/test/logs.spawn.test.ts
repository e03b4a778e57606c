import { beforeAll, describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { ensureBuilt, envFor, runBin } from './helpers/cli.js';
import { count, fake } from './helpers/fake.js';
import { capture } from './helpers/streams.js';

// `iics-job log`, `iics-job report` and the report after `iics-job run`: the built bin, spawned
// against a fake IICS over real HTTP.

beforeAll(() => ensureBuilt(), 60_000);

const FAST = ['--poll-interval', '10ms'];
const TASKS = [
  { name: 'MT_Fail', type: 'MTT' as const, outcome: 'failed' as const },
  { name: 'MT_Load', type: 'MTT' as const },
  { name: 'LT_Nightly', type: 'WORKFLOW' as const, children: [{ name: 'MT_Extract', type: 'MTT' as const }, { name: 'MT_Transform', type: 'MTT' as const, outcome: 'warning' as const }] },
  { name: 'MT_Big', type: 'MTT' as const, sessionLogBytes: 5_000_000 },
];

/** Runs the task through the bin and returns its ids. */
async function ran(server: Awaited<ReturnType<typeof fake>>, taskName: string, taskType = 'MTT'): Promise<{ taskId: string; runId: string }> {
  const result = await runBin(['run', '--task-name', taskName, '--task-type', taskType, ...FAST, '--quiet'], envFor(server));
  expect(result.stdout).toBe('');
  const run = server.runs.find((r) => r.taskName === taskName && !r.parent)!;
  return { taskId: run.taskId, runId: String(run.runId) };
}

describe('iics-job run', () => {
  test('FAILED: the last line is a report with the error, the rows and the log tail; --quiet prints nothing', async () => {
    const server = await fake({ tasks: TASKS });
    const result = await runBin(['run', '--task-name', 'MT_Fail', '--task-type', 'MTT', ...FAST], envFor(server));
    expect(result.code).toBe(3);
    expect(result.events.slice(-2).map((e) => e.event)).toEqual(['finished', 'report']);
    const report = result.events.at(-1) as Record<string, any>;
    expect(report).toMatchObject({ taskName: 'MT_Fail', state: 'FAILED', errorMessage: expect.stringMatching(/^TE_7002 /) });
    expect(report.transformations.map((t: { name: string }) => t.name)).toEqual(['Source', 'Target']);
    expect(report.logTail).toHaveLength(10);
    expect(report.logTail.at(-1)).toMatch(/completed with failure\.$/);

    const quiet = await runBin(['run', '--task-name', 'MT_Fail', '--task-type', 'MTT', ...FAST, '--quiet'], envFor(server));
    expect(quiet).toMatchObject({ code: 3, stdout: '', stderr: '' });
    // --quiet reads no report at all.
    expect(count(server, 'sessionLog')).toBe(1);
  });

  test('SUCCESS: no report', async () => {
    const server = await fake({ tasks: TASKS });
    const result = await runBin(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', ...FAST], envFor(server));
    expect(result.code).toBe(0);
    expect(result.events.at(-1)).toMatchObject({ event: 'finished', state: 'SUCCESS' });
    expect(result.events.some((e) => e.event === 'report')).toBe(false);
    expect(count(server, 'sessionLog')).toBe(0);
  });
});

describe('iics-job log', () => {
  test('prints the session log of a failed MTT; a zip answer prints the same text', async () => {
    for (const sessionLogFormat of ['text', 'zip'] as const) {
      const server = await fake({ tasks: TASKS, sessionLogFormat });
      const { taskId, runId } = await ran(server, 'MT_Fail');
      const result = await runBin(['log', '--task-id', taskId, '--run-id', runId], envFor(server));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^\S+ \S+ <DIRECTOR> INFO: \[TM_6014\] Initializing session/);
      expect(result.stdout).toMatch(/\[TE_7002\][\s\S]*Session run completed with failure\.\n$/);
    }
  });

  test('--task-name: the newest ended run; a taskflow prints each task under a header', async () => {
    const server = await fake({ tasks: TASKS });
    await ran(server, 'LT_Nightly', 'WORKFLOW');
    const result = await runBin(['log', '--task-name', 'LT_Nightly'], envFor(server));
    expect(result.code).toBe(0);
    const headers = result.stdout.split('\n').filter((line) => line.startsWith('==> '));
    expect(headers).toEqual([expect.stringMatching(/^==> MT_Extract run 1: s_mtt_\w+_1\.log <==$/), expect.stringMatching(/^==> MT_Transform run 1: s_mtt_\w+_1\.log <==$/)]);
    expect(result.stdout).toMatch(/==> MT_Transform[\s\S]*\[WRT_8229\][\s\S]*completed with errors\.\n$/);
  });

  test('a run without a log: exit 5, IICS_LOG_NOT_FOUND on stderr', async () => {
    const server = await fake({ tasks: TASKS });
    const result = await runBin(['log', '--task-id', server.tasks[1]!.id, '--run-id', '7'], envFor(server));
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Run 7 of task \w+ has no session log.*\[IICS_LOG_NOT_FOUND\]/);
    const unknown = await runBin(['log', '--task-name', 'MT_Never'], envFor(server));
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('[IICS_LOG_NOT_FOUND]');
  });

  test('a log of megabytes goes through to stdout whole', async () => {
    const server = await fake({ tasks: TASKS });
    const { taskId, runId } = await ran(server, 'MT_Big');
    const result = await runBin(['log', '--task-id', taskId, '--run-id', runId], envFor(server), 30_000);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(5_000_000);
    expect(result.stdout).toMatch(/Session run completed successfully\.\n$/);
  });

  test('usage errors exit 64', async () => {
    const server = await fake({ tasks: TASKS });
    for (const args of [['log'], ['log', '--task-id', 'X'], ['log', '--task-id', 'X', '--run-id', 'one'], ['log', '--task-name', 'A', '--task-id', 'X', '--run-id', '1'], ['log', '--task-name', 'A', '--json'], ['log', '--task-id', 'X', '--run-id', '1', '--task-type', 'MTT'], ['report', '--task-name', 'A', '--lines', '-2']]) {
      const result = await runBin(args, envFor(server));
      expect(result.code, args.join(' ')).toBe(64);
      expect(result.stderr, args.join(' ')).toMatch(/^iics-job: .*(--task-id|--run-id|--task-name|--json|--lines|--task-type)/);
    }
  });
});

describe('iics-job report', () => {
  test('a failed MTT: state, error, the rows table and the last lines; exit 3', async () => {
    const server = await fake({ tasks: TASKS });
    const { taskId, runId } = await ran(server, 'MT_Fail');
    const result = await runBin(['report', '--task-id', taskId, '--run-id', runId, '--lines', '3'], envFor(server));
    expect(result.code).toBe(3);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^MT_Fail run 1: FAILED \(started \d{4}-.+, ended \d{4}-.+\)$/);
    expect(lines[1]).toMatch(/^ {2}TE_7002 Transformation Parse Fatal Error/);
    expect(lines.slice(2, 5)).toEqual([
      expect.stringMatching(/^ {2}Transformation +Success +Failed$/),
      expect.stringMatching(/^ {2}Source \(SOURCE\) +0 +0$/),
      expect.stringMatching(/^ {2}Target \(TARGET\) +0 +0$/),
    ]);
    expect(lines[5]).toMatch(/^ {2}Last 3 lines of s_mtt_\w+_1\.log:$/);
    expect(lines.slice(6, 9).at(-1)).toMatch(/^ {4}.*Session run completed with failure\.$/);
  });

  test('a warning taskflow with two tasks, by --task-name, as JSON; exit 1', async () => {
    const server = await fake({ tasks: TASKS });
    await ran(server, 'LT_Nightly', 'WORKFLOW');
    const result = await runBin(['report', '--task-name', 'LT_Nightly', '--json'], envFor(server));
    expect(result.code).toBe(1);
    const report = result.events[0] as Record<string, any>;
    expect(report).toMatchObject({ event: 'report', taskName: 'LT_Nightly', state: 'WARNING' });
    expect(report.tasks.map((t: any) => [t.taskName, t.state, t.transformations[1].failedRows])).toEqual([['MT_Extract', 'SUCCESS', 0], ['MT_Transform', 'WARNING', 4]]);
    expect(report.tasks[1].logTail.at(-1)).toMatch(/completed with errors\.$/);
    expect(report.status).toBeUndefined();
  });
});

test('on a terminal, run prints the short report under its summary (the README sample)', async () => {
  const server = await fake({ tasks: TASKS });
  const stdout = capture(true);
  const stderr = capture();
  const code = await main(['run', '--task-name', 'LT_Nightly', '--task-type', 'WORKFLOW', ...FAST], { env: envFor(server), stdout, stderr });
  const steps = stderr.text();
  expect(code).toBe(1);
  const text = stdout.text().split('\n').filter((line) => !line.includes('\r'));
  const summary = text.findIndex((line) => /^LT_Nightly run 1: WARNING after /.test(line));
  expect(summary).toBeGreaterThan(0);
  expect(text.slice(summary + 1, summary + 4)).toEqual([
    '  One or more tasks generated error rows or failed.',
    '  MT_Extract run 1: SUCCESS',
    expect.stringMatching(/^ {4}Transformation +Success +Failed$/),
  ]);
  const warned = text.indexOf('  MT_Transform run 1: WARNING');
  expect(text[warned + 1]).toMatch(/^ {4}WRT_8229 /);
  expect(text[warned + 4]).toMatch(/^ {4}Target \(TARGET\) +246 +4$/);
  expect(text[warned + 5]).toMatch(/^ {4}Last 10 lines of s_mtt_\w+_1\.log:$/);
  expect(text.at(-2)).toMatch(/^ {2}Whole log: iics-job log --task-id \w+ --run-id 1$/);
  // The task that succeeded shows no log lines in the short form.
  expect(text.filter((line) => line.startsWith('    Last ')).length).toBe(1);
  // Only the steps on stderr.
  expect(steps).toMatch(/^iics-job: logging in to .*\.\.\.\niics-job: starting LT_Nightly \(WORKFLOW\)\.\.\.\n$/);
});
