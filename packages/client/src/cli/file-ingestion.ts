import { writeFile } from 'node:fs/promises';
import type { IicsClient } from '../client.js';
import { IicsApiError, IicsWaitTimeoutError } from '../errors.js';
import { FILE_INGESTION_START_OPERATION } from '../ingestion/file-ingestion.js';
import type { FileIngestionParameters, FileIngestionStatus } from '../ingestion/types.js';
import type { IngestionCommon, FileIngestionCommand } from './file-ingestion-args.js';
import { EXIT, exitCodeForError, exitCodeForState, type ExitCode } from './exit-codes.js';
import type { CliStream } from './output.js';

export interface FileIngestionCliIo {
  /** Logs write bytes: a stream that takes a Uint8Array (process.stdout does). */
  stdout: CliStream & { write(chunk: string | Uint8Array): unknown };
  stderr: CliStream;
  signal?: AbortSignal;
  makeClient(common: IngestionCommon): IicsClient;
  /** Prints a usage error and returns 64. */
  usage(error: unknown): number;
}

type Runnable = Exclude<FileIngestionCommand, { command: 'help' }>;

/** Runs a parsed file ingestion command and returns the exit code (RunAJob's). Never throws. */
export async function runFileIngestionCommand(cmd: Runnable, io: FileIngestionCliIo): Promise<number> {
  let client: IicsClient;
  try {
    client = io.makeClient(cmd);
  } catch (error) {
    return io.usage(error);
  }
  const print = printer(io.stdout, cmd.json || (cmd.command !== 'logs' && io.stdout.isTTY !== true));
  const signal = io.signal ? { signal: io.signal } : {};
  let phase: 'start' | 'wait' | 'other' = 'other';
  try {
    switch (cmd.command) {
      case 'run': {
        phase = 'start';
        const started = await client.fileIngestion.start(
          {
            ...cmd.task,
            ...(Object.keys(cmd.parameters).length > 0 ? { parameters: cmd.parameters as FileIngestionParameters } : {}),
            ...(Object.keys(cmd.variables).length > 0 ? { variables: cmd.variables } : {}),
          },
          signal,
        );
        print({ event: 'started', taskType: 'MI_TASK', taskId: started.taskId, runId: started.runId }, `Started file ingestion task ${started.taskId}: run ${started.runId}`);
        if (!cmd.wait) {
          print({ event: 'not-waited', runId: started.runId, exitCode: EXIT.NO_WAIT }, `Not waiting (--no-wait). Check it with: iics-job status --task-type MI_TASK --run-id ${started.runId}`);
          return EXIT.NO_WAIT;
        }
        phase = 'wait';
        let last: string | undefined;
        try {
          const final = await client.fileIngestion.wait(started.runId, {
            ...(cmd.pollIntervalMs !== undefined ? { pollIntervalMs: cmd.pollIntervalMs } : {}),
            ...(cmd.timeoutMs !== undefined ? { timeoutMs: cmd.timeoutMs } : {}),
            ...signal,
            onUpdate: (status) => {
              if (status.terminal || status.state === last) return;
              last = status.state;
              print({ event: 'status', ...summary(status) }, `run ${status.runId}: ${status.state}`);
            },
          });
          return finished(print, final, 'finished');
        } catch (error) {
          if (!(error instanceof IicsWaitTimeoutError)) throw error;
          const state = (error.lastStatus as FileIngestionStatus | undefined)?.state ?? 'unknown';
          print({ event: 'timeout', runId: started.runId, state, exitCode: EXIT.STILL_RUNNING }, `Stopped waiting: run ${started.runId} is still ${state} and goes on.`);
          return EXIT.STILL_RUNNING;
        }
      }
      case 'status':
        return finished(print, await client.fileIngestion.status(cmd.runId, signal), 'status');
      case 'logs': {
        const logs = await client.fileIngestion.logs(cmd.runId, signal);
        if (cmd.output === undefined) {
          // The bytes as they came, nothing added: `iics-job logs --run-id N > logs.zip` must give the file.
          io.stdout.write(logs.body);
        } else {
          await writeFile(cmd.output, logs.body);
          const line = { event: 'logs', runId: cmd.runId, contentType: logs.contentType, bytes: logs.body.byteLength, output: cmd.output };
          if (cmd.json) io.stdout.write(`${JSON.stringify(line)}\n`);
          else io.stderr.write(`Wrote ${logs.body.byteLength} bytes (${logs.contentType || 'no content type'}) to ${cmd.output}\n`);
        }
        return EXIT.SUCCESS;
      }
    }
  } catch (error) {
    let code: ExitCode = exitCodeForError(error, phase);
    // The file ingestion start is its own resource: its rejection is RunAJob's "failure to start" too.
    if (phase === 'start' && error instanceof IicsApiError && error.operation === FILE_INGESTION_START_OPERATION) code = EXIT.START_FAILED;
    if (code === EXIT.USAGE) return io.usage(error);
    const message = error instanceof Error ? error.message : String(error);
    const errorCode = (error as { code?: string } | null)?.code ?? 'UNEXPECTED';
    io.stderr.write(`iics-job: ${message} [${errorCode}]\n`);
    if (cmd.json) io.stdout.write(`${JSON.stringify({ event: 'error', code: errorCode, message, exitCode: code })}\n`);
    return code;
  } finally {
    await client.close().catch(() => undefined);
  }
}

type Print = (json: Record<string, unknown>, text: string) => void;

function printer(out: CliStream, json: boolean): Print {
  return (value, text) => void out.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

function finished(print: Print, status: FileIngestionStatus, event: 'finished' | 'status'): ExitCode {
  const exitCode = exitCodeForState(status.state, status.terminal);
  const files = (status.files ?? []).map((f) => `\n  ${f.state ?? '?'} ${f.name}${f.errorMessage ? `: ${f.errorMessage}` : ''}`).join('');
  print({ event, ...summary(status), exitCode }, `run ${status.runId}: ${status.state}${status.errorMessage ? ` (${status.errorMessage})` : ''}${files}`);
  return exitCode;
}

function summary(status: FileIngestionStatus): Record<string, unknown> {
  return {
    taskType: 'MI_TASK',
    runId: status.runId,
    taskId: status.taskId,
    state: status.state,
    terminal: status.terminal,
    jobStatus: status.jobStatus,
    startedAt: status.startedAt?.toISOString(),
    endedAt: status.endedAt?.toISOString(),
    errorMessage: status.errorMessage,
    files: status.files?.map((f) => ({ name: f.name, state: f.state, sizeBytes: f.sizeBytes, errorMessage: f.errorMessage })),
  };
}
