import { describe, expect, test } from 'vitest';
import { IicsLogNotFoundError, isIicsError } from '../src/index.js';
import { clientFor, count, fake } from './helpers/fake.js';

// Session logs and failure reports, over real HTTP against the fake IICS at 1000x speed.

const TASKS = [
  { name: 'MT_Fail', type: 'MTT' as const, outcome: 'failed' as const },
  { name: 'MT_Load', type: 'MTT' as const },
  {
    name: 'LT_Nightly',
    type: 'WORKFLOW' as const,
    children: [
      { name: 'MT_Extract', type: 'MTT' as const },
      { name: 'MT_Transform', type: 'MTT' as const, outcome: 'warning' as const },
    ],
  },
  { name: 'MT_Big', type: 'MTT' as const, sessionLogBytes: 6_000_000 },
];

describe('jobs.log', () => {
  test('a failed MTT: the text of its log, named as the activity log says, its errors near the end', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const final = await client.jobs.run({ taskName: 'MT_Fail', taskType: 'MTT' }, { pollIntervalMs: 5 });
    expect(final.state).toBe('FAILED');

    const log = await client.jobs.log(final);
    const task = server.tasks.find((t) => t.name === 'MT_Fail')!;
    expect(log.fileName).toBe(`s_mtt_${task.federatedId}_${final.runId}.log`);
    expect(log.tasks).toBeUndefined();
    const lines = log.text.trimEnd().split('\n');
    expect(lines[0]).toContain('Initializing session');
    expect(lines.some((line) => line.includes('[TE_7002]') && line.includes(final.errorMessage!.replace(/^TE_7002 /, '')))).toBe(true);
    expect(lines.at(-1)).toMatch(/completed with failure\.$/);
  });

  test('a zip answer is unpacked: the same text as the plain answer', async () => {
    const plain = await fake({ tasks: TASKS });
    const zipped = await fake({ tasks: TASKS, sessionLogFormat: 'zip' });
    const texts: string[] = [];
    for (const server of [plain, zipped]) {
      const { client } = clientFor(server);
      const final = await client.jobs.run({ taskName: 'MT_Fail', taskType: 'MTT' }, { pollIntervalMs: 5 });
      const log = await client.jobs.log(final);
      expect(log.fileName).toMatch(/^s_mtt_.+_1\.log$/);
      // The two fakes differ only in ids and times.
      texts.push(log.text.replace(/s_mtt_\w+_1/g, 's_mtt_X').replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}/g, 'T').replace(/\[\w{20}\]/g, '[ID]'));
    }
    // Unpacked and decoded: the zipped answer reads exactly like the plain one.
    expect(texts[1]).toBe(texts[0]);
    expect(texts[0]).toContain('[TE_7002]');
  });

  test('a run that does not exist, or has not ended: IICS_LOG_NOT_FOUND naming the run', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const task = server.tasks.find((t) => t.name === 'MT_Load')!;
    const error = await client.jobs.log({ taskId: task.id, runId: 42 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsLogNotFoundError);
    expect(error).toMatchObject({ code: 'IICS_LOG_NOT_FOUND', taskId: task.id, runId: 42 });
    expect((error as Error).message).toMatch(/Run 42 of task .+ has no session log/);
    expect(count(server, 'sessionLog')).toBe(0);
  });

  test('a multi-megabyte log arrives in pieces: pipeLog never holds it, log() keeps only the text', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server, { timeouts: { requestMs: 30_000, loginMs: 5_000, connectMs: 2_000 } });
    const final = await client.jobs.run({ taskName: 'MT_Big', taskType: 'MTT' }, { pollIntervalMs: 5 });

    const pieces: number[] = [];
    let tail = '';
    const files = await client.jobs.pipeLog(final, {
      write: async (text) => {
        pieces.push(text.length);
        tail = (tail + text).slice(-200);
        // A slow reader: the download waits for it (back-pressure) instead of piling up.
        if (pieces.length % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    const total = pieces.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(6_000_000);
    expect(files).toEqual([expect.objectContaining({ runId: final.runId, chars: total, fileName: expect.stringMatching(/\.log$/) })]);
    // Streamed: many pieces, none of them more than a small part of the log.
    expect(pieces.length).toBeGreaterThan(50);
    expect(Math.max(...pieces)).toBeLessThan(total / 20);
    expect(tail).toMatch(/Session run completed successfully\.\n$/);

    const log = await client.jobs.log(final);
    expect(log.text.length).toBe(total);
  });
});

describe('a linear taskflow with two tasks, one ending with warnings', () => {
  test('log: each task\'s log, in order; report: WARNING, the task that warned, its rows and its last lines', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const final = await client.jobs.run({ taskName: 'LT_Nightly', taskType: 'WORKFLOW' }, { pollIntervalMs: 5 });
    expect(final.state).toBe('WARNING');

    const log = await client.jobs.log(final);
    expect(log.tasks?.map((t) => t.taskName)).toEqual(['MT_Extract', 'MT_Transform']);
    expect(log.tasks?.[0]!.text).toMatch(/Task: \[MT_Extract\][\s\S]*completed successfully\.\n$/);
    expect(log.tasks?.[1]!.text).toMatch(/Task: \[MT_Transform\][\s\S]*\[WRT_8229\][\s\S]*completed with errors\.\n$/);
    expect(log.text).toBe(log.tasks!.map((t) => `==> ${t.taskName} run ${t.runId}: ${t.fileName} <==\n${t.text}`).join(''));

    const report = await client.jobs.report(final, { tailLines: 5 });
    expect(report).toMatchObject({ state: 'WARNING', terminal: true, taskName: 'LT_Nightly' });
    expect(report.tasks?.map((t) => [t.taskName, t.state])).toEqual([['MT_Extract', 'SUCCESS'], ['MT_Transform', 'WARNING']]);
    const warned = report.tasks![1]!;
    expect(warned.errorMessage).toMatch(/^WRT_8229 /);
    expect(warned.transformations).toEqual([
      { name: 'Source', type: 'SOURCE', successRows: 250, failedRows: 0 },
      { name: 'Target', type: 'TARGET', successRows: 246, failedRows: 4 },
    ]);
    expect(warned.logTail).toHaveLength(5);
    expect(warned.logTail.at(-1)).toMatch(/completed with errors\.$/);
    expect(report.tasks![0]!.logTail.at(-1)).toMatch(/completed successfully\.$/);
    expect(report.errorMessage).toMatch(/WRT_8229|One or more tasks/);
  });
});

describe('jobs.report', () => {
  test('a failed MTT: state, error, rows per transformation from the entry by id, the last lines of its log', async () => {
    const server = await fake({ tasks: TASKS, sessionLogFormat: 'zip' });
    const { client } = clientFor(server);
    const final = await client.jobs.run({ taskName: 'MT_Fail', taskType: 'MTT' }, { pollIntervalMs: 5 });
    const report = await client.jobs.report(final);
    expect(report).toMatchObject({ taskName: 'MT_Fail', state: 'FAILED', terminal: true, runId: final.runId });
    expect(report.errorMessage).toMatch(/^TE_7002 /);
    expect(report.transformations.map((t) => t.name)).toEqual(['Source', 'Target']);
    expect(report.logFileName).toMatch(/^s_mtt_.+\.log$/);
    expect(report.logTail.length).toBeGreaterThan(5);
    expect(report.logTail.length).toBeLessThanOrEqual(20);
    expect(report.logTail.join('\n')).toContain('[TE_7002]');
    expect(report.logTail.at(-1)).toMatch(/completed with failure\.$/);
    // The report read the entry by id (its items) beside the list.
    expect(server.requests.some((r) => /\/activityLog\/[^/]+$/.test(r.path))).toBe(true);
  });

  test('a running job: its status, no log requested; tailLines is checked', async () => {
    const server = await fake({ tasks: TASKS, timeScale: 1 });
    const { client } = clientFor(server);
    const started = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' });
    const report = await client.jobs.report(started);
    expect(report).toMatchObject({ terminal: false, logTail: [], transformations: [] });
    expect(count(server, 'sessionLog')).toBe(0);
    await expect(client.jobs.report(started, { tailLines: -1 })).rejects.toMatchObject({ code: 'IICS_INVALID_ARGUMENT', field: 'tailLines' });
  });

  test('a log IICS answers 404 for does not stop the report: logError says why', async () => {
    const server = await fake({ tasks: TASKS });
    const { client } = clientFor(server);
    const final = await client.jobs.run({ taskName: 'MT_Fail', taskType: 'MTT' }, { pollIntervalMs: 5 });
    server.faults.failNext('sessionLog', 1, 404);
    const report = await client.jobs.report(final);
    expect(report.state).toBe('FAILED');
    expect(report.logTail).toEqual([]);
    expect(report.logError).toMatch(/no session log/);
    server.faults.failNext('sessionLog', 1, 404);
    const error = await client.jobs.log(final).catch((e: unknown) => e);
    expect(isIicsError(error, 'IICS_LOG_NOT_FOUND')).toBe(true);
  });
});

test('the last lines of a text that arrives in pieces', async () => {
  const { LineTail } = await import('../src/jobs/report.js');
  const tail = new LineTail(2);
  tail.push('a\nb');
  tail.push('c\r\nd\ne');
  expect(tail.lines()).toEqual(['d', 'e']);
});
