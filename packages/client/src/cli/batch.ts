import type { IicsClient } from '../client.js';
import type { IicsError } from '../errors.js';
import type { RunManyResult } from '../jobs/run-many.js';
import type { TaskObject } from '../tasks/list.js';
import type { BatchOptions } from './batch-args.js';
import { formatElapsed } from './duration.js';
import { EXIT, exitCodeForError, exitCodeForState, type ExitCode } from './exit-codes.js';
import type { CliStream } from './output.js';

export interface BatchIo {
  stdout: CliStream;
  stderr: CliStream;
  json: boolean;
  signal?: AbortSignal;
  pollIntervalMs?: number;
  timeoutMs?: number;
}

/** RunAJob's outcomes from worst to best, as a batch reports the worst of its tasks. */
const WORST_FIRST: readonly ExitCode[] = [
  EXIT.EXCEPTION,
  EXIT.USAGE,
  EXIT.START_FAILED,
  EXIT.ERROR,
  EXIT.REQUEST_TIMEOUT,
  EXIT.FAILED,
  EXIT.STILL_RUNNING,
  EXIT.NO_WAIT,
  EXIT.WARNING,
  EXIT.SUCCESS,
];

export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  let worst: ExitCode = EXIT.SUCCESS;
  for (const code of codes) if (WORST_FIRST.indexOf(code) < WORST_FIRST.indexOf(worst)) worst = code;
  return worst;
}

/** A task's exit code; undefined for one that was not started. */
export function exitCodeOf(result: RunManyResult): ExitCode | undefined {
  if (result.skipped) return undefined;
  if (result.error) return exitCodeForError(result.error, result.started ? 'wait' : 'start');
  if (result.status) return exitCodeForState(result.status.state, result.status.terminal);
  return EXIT.EXCEPTION;
}

/** `iics-job run` with several tasks: runs them, prints a line per task as it ends, then a table (or JSON lines). */
export async function runBatch(client: IicsClient, batch: BatchOptions, io: BatchIo): Promise<ExitCode> {
  const startedAt = new Map<number, number>();
  const results = await client.jobs.runMany(batch.requests, {
    concurrency: batch.concurrency,
    stopOnFailure: batch.stopOnFailure,
    ...(io.pollIntervalMs !== undefined ? { pollIntervalMs: io.pollIntervalMs } : {}),
    ...(io.timeoutMs !== undefined ? { timeoutMs: io.timeoutMs } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    onStart: (started, result, index) => {
      startedAt.set(index, Date.now());
      if (!io.json) io.stdout.write(`Started ${label(result)} (${started.taskType}): task ${started.taskId}, run ${started.runId}\n`);
    },
    onResult: (result, index) => {
      const code = exitCodeOf(result);
      const durationMs = duration(result, startedAt.get(index));
      if (io.json) io.stdout.write(`${JSON.stringify(jsonLine(result, index, durationMs, code))}\n`);
      else if (!result.skipped) io.stdout.write(`${label(result)}${result.started ? ` run ${result.started.runId}` : ''}: ${stateOf(result)}${durationMs !== undefined ? ` after ${formatElapsed(durationMs)}` : ''}\n`);
      if (result.error) io.stderr.write(`iics-job: ${label(result)}: ${result.error.message}${codeOf(result.error) ? ` [${codeOf(result.error)}]` : ''}\n`);
    },
  });
  if (!io.json) io.stdout.write(table(results, startedAt));
  if (io.signal?.aborted) return EXIT.INTERRUPTED;
  return worstExitCode(results.map(exitCodeOf).filter((c): c is ExitCode => c !== undefined));
}

/** `iics-job list`: the tasks the patterns match, one a line (or JSON lines). */
export async function listBatch(client: IicsClient, patterns: readonly string[], taskType: string | undefined, io: BatchIo): Promise<ExitCode> {
  const found: TaskObject[] = [];
  for (const pattern of patterns) {
    found.push(...(await client.tasks.match(pattern, taskType, io.signal ? { signal: io.signal } : {})));
  }
  const seen = new Set<string>();
  const unique = found.filter((t) => !seen.has(t.id) && seen.add(t.id));
  if (io.json) {
    for (const t of unique) io.stdout.write(`${JSON.stringify({ event: 'task', path: t.path, name: t.name, type: t.type, id: t.id })}\n`);
  } else {
    io.stdout.write(columns([['PATH', 'TYPE', 'ID'], ...unique.map((t) => [t.path, t.type, t.id])]));
  }
  return EXIT.SUCCESS;
}

function label(result: RunManyResult): string {
  const r = result.request as Record<string, unknown>;
  return result.task?.path ?? String(r.path ?? r.taskName ?? r.taskFederatedId ?? r.taskId ?? result.pattern ?? '?');
}

function stateOf(result: RunManyResult): string {
  if (result.skipped) return 'SKIPPED';
  if (result.error) {
    const code = codeOf(result.error);
    if (code === 'IICS_WAIT_TIMEOUT') return `${result.status?.state ?? 'QUEUED'} (still running)`;
    if (code === 'IICS_ABORTED') return result.stopped ? 'STOPPED' : 'ABORTED';
    return result.started ? 'ERROR' : 'NOT STARTED';
  }
  return result.status?.state ?? '?';
}

function duration(result: RunManyResult, localStart: number | undefined): number | undefined {
  const s = result.status;
  if (s?.startedAt && s.endedAt) return s.endedAt.getTime() - s.startedAt.getTime();
  return localStart === undefined ? undefined : Date.now() - localStart;
}

function rowsOf(result: RunManyResult): string {
  const rows = result.status?.rows;
  return rows ? `${rows.successTargetRows ?? 0} ok, ${rows.failedTargetRows ?? 0} failed` : '';
}

function codeOf(error: Error): string | undefined {
  return (error as Partial<IicsError>).code;
}

function table(results: readonly RunManyResult[], startedAt: Map<number, number>): string {
  const rows = results.map((r, i) => {
    const ms = r.skipped ? undefined : duration(r, startedAt.get(i));
    return [label(r), r.started ? String(r.started.runId) : '-', stateOf(r), ms === undefined ? '-' : formatElapsed(ms), rowsOf(r) || '-'];
  });
  return `\n${columns([['TASK', 'RUN', 'STATE', 'DURATION', 'ROWS'], ...rows])}`;
}

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n';
}

function jsonLine(result: RunManyResult, index: number, durationMs: number | undefined, exitCode: ExitCode | undefined): Record<string, unknown> {
  const s = result.status;
  return {
    event: 'task',
    index,
    task: label(result),
    pattern: result.pattern,
    taskId: result.started?.taskId ?? s?.taskId,
    taskName: result.started?.taskName ?? result.task?.name,
    taskType: result.started?.taskType ?? result.task?.type ?? (result.request as { taskType?: string }).taskType,
    runId: result.started?.runId,
    state: stateOf(result),
    terminal: s?.terminal,
    startedAt: s?.startedAt?.toISOString(),
    endedAt: s?.endedAt?.toISOString(),
    durationMs,
    rows: s?.rows,
    errorMessage: s?.errorMessage,
    error: result.error ? { code: codeOf(result.error) ?? 'UNEXPECTED', message: result.error.message } : undefined,
    skipped: result.skipped,
    stopped: result.stopped,
    stopError: result.stopError?.message,
    exitCode,
  };
}
