import type { IicsClient } from '../client.js';
import { IicsApiError, IicsWaitTimeoutError } from '../errors.js';
import type { TaskflowStatus } from '../taskflows/status.js';
import { formatElapsed } from './duration.js';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.js';
import type { CliStream } from './output.js';
import type { TaskflowCli } from './taskflow-args.js';

export interface TaskflowIo {
  stdout: CliStream;
  stderr: CliStream;
  signal?: AbortSignal;
}

/** RunAJob's codes for a taskflow's state: a suspended run needs a person, so it is not a success (3). */
export function exitCodeForTaskflow(status: TaskflowStatus): ExitCode {
  if (status.suspended) return EXIT.FAILED;
  if (!status.terminal) return EXIT.STILL_RUNNING;
  switch (status.state) {
    case 'SUCCESS':
      return EXIT.SUCCESS;
    case 'FAILED':
    case 'STOPPED':
      return EXIT.FAILED;
    default:
      return EXIT.ERROR;
  }
}

/** Runs one taskflow command and returns its exit code; errors are printed, never thrown. */
export async function runTaskflowCli(client: IicsClient, cli: TaskflowCli, io: TaskflowIo): Promise<ExitCode> {
  const out = new TaskflowOutput(io.stdout, io.stderr, cli.json);
  const signal = io.signal ? { signal: io.signal } : {};
  const cmd = cli.taskflow;
  let phase: 'start' | 'wait' | 'other' = 'other';
  try {
    switch (cmd.action) {
      case 'run': {
        phase = 'start';
        const started = await client.taskflows.start(
          { apiName: cmd.apiName, input: cmd.input, ...(cmd.instanceName !== undefined ? { instanceName: cmd.instanceName } : {}) },
          signal,
        );
        out.event({ event: 'started', taskType: 'TASKFLOW', apiName: cmd.apiName, runId: started.runId }, `Started taskflow ${cmd.apiName}: run ${started.runId}`);
        if (!cmd.wait) {
          out.event({ event: 'not-waited', runId: started.runId, exitCode: EXIT.NO_WAIT }, `Not waiting (--no-wait). Check it with: iics-job status --task-type TASKFLOW --run-id ${started.runId}`);
          return EXIT.NO_WAIT;
        }
        phase = 'wait';
        let state: string | undefined;
        const final = await client.taskflows.wait(started.runId, {
          ...(cmd.pollIntervalMs !== undefined ? { pollIntervalMs: cmd.pollIntervalMs } : {}),
          ...(cmd.timeoutMs !== undefined ? { timeoutMs: cmd.timeoutMs } : {}),
          ...signal,
          onUpdate: (status) => {
            if (status.state !== state && !status.terminal && !status.suspended) out.event({ event: 'status', ...summary(status), elapsedMs: out.elapsed() }, `  ${status.state}`);
            state = status.state;
          },
        });
        return out.finished(final, 'finished');
      }
      case 'status':
        return out.finished(await client.taskflows.status(cmd.runId, signal), 'status');
      case 'stop': {
        const result = await client.taskflows.terminate(cmd.runIds, signal);
        out.event({ event: 'stopped', runIds: result.runIds, calls: result.calls, exitCode: EXIT.SUCCESS }, `Terminate requested for ${result.runIds.length} taskflow run(s).`);
        return EXIT.SUCCESS;
      }
      case 'resume': {
        await client.taskflows.resume(cmd.runId, { skipFault: cmd.skipFault, ...signal });
        out.event(
          { event: 'resumed', runId: cmd.runId, skipFault: cmd.skipFault, exitCode: EXIT.SUCCESS },
          `Resumed taskflow run ${cmd.runId}${cmd.skipFault ? ' (faulted step skipped)' : ''}. Watch it with: iics-job status --task-type TASKFLOW --run-id ${cmd.runId}`,
        );
        return EXIT.SUCCESS;
      }
    }
  } catch (error) {
    if (error instanceof IicsWaitTimeoutError) {
      const last = error.lastStatus as TaskflowStatus | undefined;
      out.event(
        { event: 'timeout', runId: error.runId, state: last?.state ?? 'RUNNING', elapsedMs: out.elapsed(), exitCode: EXIT.STILL_RUNNING },
        `Stopped waiting after ${formatElapsed(out.elapsed())}: taskflow run ${error.runId} is still ${last?.state ?? 'RUNNING'} and goes on.`,
      );
      return EXIT.STILL_RUNNING;
    }
    // The run request itself refused (unknown API name, a 4xx) is RunAJob's "failure to start".
    const rejected = phase === 'start' && error instanceof IicsApiError && / \/active-bpel\/rt\//.test(error.operation);
    const code = rejected ? EXIT.START_FAILED : exitCodeForError(error, phase);
    out.error(error, code);
    return code;
  }
}

class TaskflowOutput {
  readonly #json: boolean;
  readonly #since = Date.now();

  constructor(
    readonly out: CliStream,
    readonly err: CliStream,
    json: boolean,
  ) {
    this.#json = json || out.isTTY !== true;
  }

  elapsed(): number {
    return Date.now() - this.#since;
  }

  event(value: Record<string, unknown>, text: string): void {
    this.out.write(this.#json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  }

  finished(status: TaskflowStatus, event: 'finished' | 'status'): ExitCode {
    const exitCode = exitCodeForTaskflow(status);
    const resume = status.suspended ? `iics-job resume --run-id ${status.runId}` : undefined;
    this.event(
      { event, ...summary(status), ...(event === 'finished' ? { elapsedMs: this.elapsed() } : {}), ...(resume ? { resume } : {}), exitCode },
      `Taskflow ${status.name ?? ''} run ${status.runId}: ${status.state}${event === 'finished' ? ` after ${formatElapsed(this.elapsed())}` : ''}${status.errorMessage ? `\n  ${status.errorMessage}` : ''}`,
    );
    if (resume) {
      // Said on stderr in every mode: a person has to act.
      this.err.write(
        `iics-job: taskflow run ${status.runId} is SUSPENDED and waits for a person. Resume it with: ${resume} (add --skip-fault to skip the faulted step), or end it with: iics-job stop --task-type TASKFLOW --run-id ${status.runId}\n`,
      );
    }
    return exitCode;
  }

  error(error: unknown, exitCode: number): void {
    const code = (error as { code?: string } | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    this.err.write(`iics-job: ${message}${code ? ` [${code}]` : ''}\n`);
    if (this.#json) this.out.write(`${JSON.stringify({ event: 'error', code: code ?? 'UNEXPECTED', message, exitCode })}\n`);
  }
}

function summary(status: TaskflowStatus): Record<string, unknown> {
  return {
    taskType: 'TASKFLOW',
    runId: status.runId,
    name: status.name,
    state: status.state,
    terminal: status.terminal,
    suspended: status.suspended,
    startedAt: status.startedAt?.toISOString(),
    endedAt: status.endedAt?.toISOString(),
    errorMessage: status.errorMessage,
    steps: status.steps?.map((s) => ({ name: s.name, state: s.state })),
  };
}
