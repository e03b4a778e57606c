import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createManualClock } from '@iics-jobs/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { count, fake } from './helpers/fake.js';
import { BIN, ensureBuilt, envFor, runBin } from './helpers/cli.js';

// The built `iics-job` bin, spawned against a fake IICS over real HTTP, for file ingestion tasks.

beforeAll(() => ensureBuilt(), 60_000);

const FAST = ['--poll-interval', '10ms'];
const ORDERS = { name: 'MI_Orders', type: 'MI_TASK', path: 'Sales/Ingest/MI_Orders', files: ['orders_1.csv', 'orders_2.csv'], durationMs: 100_000 } as const;
const BROKEN = { name: 'MI_Broken', type: 'MI_TASK', files: ['good.csv', { name: 'bad.csv', outcome: 'failed' }], outcome: 'failed', durationMs: 100_000 } as const;

describe('iics-job run --task-type MI_TASK', () => {
  test('runs to SUCCESS → exit 0, with the files in the last JSON line', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const id = server.tasks[0]!.id;
    const result = await runBin(['run', '--task-type', 'MI_TASK', '--task-id', id, ...FAST, '--json'], envFor(server));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const runId = server.fileIngestionRuns[0]!.runId;
    expect(result.events[0]).toEqual({ event: 'started', taskType: 'MI_TASK', taskId: id, runId });
    expect(result.events.at(-1)).toMatchObject({
      event: 'finished',
      runId,
      state: 'SUCCESS',
      terminal: true,
      exitCode: 0,
      files: [
        { name: 'orders_1.csv', state: 'SUCCESS' },
        { name: 'orders_2.csv', state: 'SUCCESS' },
      ],
    });
    expect(result.stdout).not.toContain(server.credentials.password);
  });

  test('runs to FAILED → exit 3, naming the failed file (by --task-name, lower-case task type)', async () => {
    const server = await fake({ tasks: [BROKEN] });
    const result = await runBin(['run', '--task-type', 'mi_task', '--task-name', 'MI_Broken', ...FAST], envFor(server));
    expect(result.code).toBe(3);
    expect(result.events.at(-1)).toMatchObject({ event: 'finished', state: 'FAILED', exitCode: 3 });
    expect(result.events.at(-1)!.errorMessage).toMatch(/bad\.csv/);
  });

  test('--path with --param and --var: the overrides reach the fake as the documentation writes them', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const result = await runBin(
      ['run', '--task-type', 'MI_TASK', '--path', 'Sales/Ingest/MI_Orders', '--param', 'Source.filePattern=*.csv', '--param', 'Source.batchSize=5', '--param', 'Target.targetDirectory=/${Parentfolder}/out', '--var', 'Parentfolder=root', ...FAST],
      envFor(server, { IICS_API_VERSION: 'v3' }),
    );
    expect(result.code).toBe(0);
    expect(count(server, 'lookup')).toBe(1);
    expect(server.fileIngestionRuns[0]!.parameters).toEqual({
      category: [
        { id: 'Source', parameter: [{ id: 'filePattern', value: '*.csv' }, { id: 'batchSize', value: '5' }] },
        { id: 'Target', parameter: [{ id: 'targetDirectory', value: '/${Parentfolder}/out' }] },
      ],
    });
    expect(server.fileIngestionRuns[0]!.variables).toEqual([{ variable: 'Parentfolder', value: 'root' }]);
  });

  test('a misspelt --param is a usage error (64) naming it; nothing is sent', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const result = await runBin(['run', '--task-type', 'MI_TASK', '--task-id', server.tasks[0]!.id, '--param', 'Source.filepattern=*.csv'], envFor(server));
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/parameters\.Source\.filepattern.*did you mean "filePattern"/);
    expect(server.requests).toHaveLength(0);
    const bad = await runBin(['run', '--task-type', 'MI_TASK', '--task-id', 'x', '--param', 'filePattern'], envFor(server));
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/--param must be CATEGORY\.ID=VALUE/);
  });

  test('an unknown task → exit 7 (RunAJob: failure to start)', async () => {
    const server = await fake({ tasks: [ORDERS] });
    const result = await runBin(['run', '--task-type', 'MI_TASK', '--task-id', 'NoSuchTask000000000000', '--json'], envFor(server));
    expect(result.code).toBe(7);
    expect(result.events.at(-1)).toMatchObject({ event: 'error', code: 'IICS_TASK_NOT_FOUND', exitCode: 7 });
  });

  test('--no-wait → 2 with a run id above 2^53 kept as text; status then says 6, and 0 at the end', async () => {
    // A manual clock: the run is still going at the second spawn however slow the machine is.
    const clock = createManualClock();
    const server = await fake({ clock, tasks: [ORDERS], fileIngestion: { runIdType: 'number', firstRunId: '9007199254740993' } });
    const started = await runBin(['run', '--task-type', 'MI_TASK', '--task-id', server.tasks[0]!.id, '--no-wait'], envFor(server));
    expect(started.code).toBe(2);
    expect(started.events.map((e) => e.event)).toEqual(['started', 'not-waited']);
    expect(started.events[0]!.runId).toBe('9007199254740993');
    expect(started.stdout).toContain('"runId":"9007199254740993"');

    const running = await runBin(['status', '--task-type', 'MI_TASK', '--run-id', '9007199254740993'], envFor(server));
    expect(running.code).toBe(6);
    expect(running.events[0]).toMatchObject({ event: 'status', runId: '9007199254740993', state: 'RUNNING', terminal: false });
    clock.advance(ORDERS.durationMs);
    const done = await runBin(['status', '--task-type', 'MI_TASK', '--run-id', '9007199254740993'], envFor(server));
    expect(done.code).toBe(0);
    expect(done.events[0]).toMatchObject({ state: 'SUCCESS', exitCode: 0 });
  });
});

describe('help', () => {
  test('run --task-type MI_TASK --help shows the file ingestion options; the main help names logs', async () => {
    const help = await runBin(['run', '--task-type', 'MI_TASK', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--param CAT.ID=VALUE");
    expect(help.stdout).toContain('iics-job logs --run-id RUN_ID');
    const main = await runBin(['--help'], {});
    expect(main.stdout).toMatch(/^ {2}logs {6}download the log files of a file ingestion job/m);
  });
});

describe('iics-job logs', () => {
  const bytes = Buffer.from(Uint8Array.from({ length: 2048 }, (_, i) => (i * 31 + 7) % 256));

  test('writes the bytes to stdout untouched', async () => {
    const server = await fake({ tasks: [{ ...ORDERS, logs: { contentType: 'application/zip', body: bytes } }] });
    const started = await runBin(['run', '--task-type', 'MI_TASK', '--task-id', server.tasks[0]!.id, '--no-wait'], envFor(server));
    const runId = String(started.events[0]!.runId);
    const out = await new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'logs', '--run-id', runId], { env: { PATH: process.env.PATH ?? '', ...envFor(server) }, stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout: Buffer.concat(chunks), stderr });
      });
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout.length).toBe(bytes.length);
    expect(Buffer.compare(out.stdout, bytes)).toBe(0);
  });

  test('--output FILE gets the same bytes; an unknown run is exit 5', async () => {
    const server = await fake({ tasks: [{ ...ORDERS, logs: { contentType: 'application/octet-stream', body: bytes } }] });
    const dir = await mkdtemp(path.join(tmpdir(), 'iics-logs-'));
    try {
      const started = await runBin(['run', '--task-type', 'MI_TASK', '--task-id', server.tasks[0]!.id, '--no-wait'], envFor(server));
      const file = path.join(dir, 'run.log');
      const result = await runBin(['logs', '--run-id', String(started.events[0]!.runId), '--output', file, '--json'], envFor(server));
      expect(result.code).toBe(0);
      expect(result.events[0]).toMatchObject({ event: 'logs', contentType: 'application/octet-stream', bytes: bytes.length, output: file });
      expect(Buffer.compare(await readFile(file), bytes)).toBe(0);
      const missing = await runBin(['logs', '--run-id', '777'], envFor(server));
      expect(missing.code).toBe(5);
      expect(missing.stderr).toMatch(/HTTP 404/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
