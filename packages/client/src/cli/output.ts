import type { IicsError } from '../errors.js';
import type { StartedJob } from '../jobs.js';
import type { JobStatus } from '../status.js';
import { formatElapsed } from './duration.js';

export interface CliStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * What the CLI prints. On a terminal: one progress line that updates in place (state, elapsed),
 * then a summary. Otherwise, or with --json: one JSON object per line on stdout, one per event.
 * Errors also go to stderr as text. Nothing printed comes from the client's credentials.
 */
export class Reporter {
  readonly #out: CliStream;
  readonly #err: CliStream;
  readonly #json: boolean;
  readonly #now: () => number;
  readonly #since: number;
  #label = '';
  #state: string | undefined;
  #last: JobStatus | undefined;
  #job: StartedJob | undefined;
  #progressShown = false;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #heartbeatMs: number | undefined;
  #heartbeat: ReturnType<typeof setTimeout> | undefined;

  constructor(out: CliStream, err: CliStream, json: boolean, now: () => number = Date.now) {
    this.#out = out;
    this.#err = err;
    this.#json = json || out.isTTY !== true;
    this.#now = now;
    this.#since = now();
  }

  get json(): boolean {
    return this.#json;
  }

  /** A step that may take a while (logging in, a lookup, the start), on stderr as it begins: never a silent wait. */
  step(text: string): void {
    this.#err.write(`iics-job: ${text}\n`);
  }

  /**
   * In JSON mode, a `heartbeat` line whenever nothing was printed for `ms` while waiting, so that a
   * CI watchdog or a log shipper sees a long job is alive.
   */
  heartbeat(ms: number): void {
    this.#heartbeatMs = ms;
    this.#armHeartbeat();
  }

  started(job: StartedJob, waiting: boolean): void {
    this.#job = job;
    this.#label = `${job.taskName ?? job.taskId} run ${job.runId}`;
    if (this.#json) {
      this.#line({ event: 'started', taskId: job.taskId, taskName: job.taskName, taskType: job.taskType, runId: job.runId });
      return;
    }
    this.#out.write(`Started ${job.taskName ?? job.taskId} (${job.taskType}): task ${job.taskId}, run ${job.runId}\n`);
    if (waiting) {
      this.#state = 'QUEUED';
      this.#render();
      // Keeps the elapsed time moving between polls; unref'd so it never holds the process open.
      this.#ticker = setInterval(() => this.#render(), 1000);
      this.#ticker.unref?.();
    }
  }

  update(status: JobStatus): void {
    const changed = status.state !== this.#state;
    this.#state = status.state;
    this.#last = status;
    if (this.#json) {
      if (changed && !status.terminal) this.#line({ event: 'status', ...summary(status), elapsedMs: this.#elapsed() });
      return;
    }
    this.#render();
  }

  finished(status: JobStatus, exitCode: number): void {
    this.#endProgress();
    if (this.#json) {
      this.#line({ event: 'finished', ...summary(status), elapsedMs: this.#elapsed(), exitCode });
      return;
    }
    const rows = status.rows
      ? ` (${status.rows.successTargetRows ?? 0} target rows written, ${status.rows.failedTargetRows ?? 0} failed)`
      : '';
    this.#out.write(`${this.#label || `task ${status.taskId} run ${status.runId}`}: ${status.state} after ${formatElapsed(this.#elapsed())}${rows}\n`);
    if (status.errorMessage) this.#out.write(`  ${status.errorMessage}\n`);
  }

  notWaited(job: StartedJob, exitCode: number): void {
    if (this.#json) this.#line({ event: 'not-waited', taskId: job.taskId, runId: job.runId, exitCode });
    else this.#out.write(`Not waiting (--no-wait). Check it with: iics-job status --task-id ${job.taskId} --run-id ${job.runId}\n`);
  }

  stillRunning(taskId: string, runId: number, last: JobStatus | undefined, exitCode: number): void {
    this.#endProgress();
    const state = last?.state ?? 'QUEUED';
    if (this.#json) {
      this.#line({ event: 'timeout', taskId, runId, state, elapsedMs: this.#elapsed(), exitCode });
      return;
    }
    this.#out.write(`Stopped waiting after ${formatElapsed(this.#elapsed())}: run ${runId} is still ${state} and goes on.\n`);
  }

  status(status: JobStatus, exitCode: number): void {
    if (this.#json) {
      this.#line({ event: 'status', ...summary(status), exitCode });
      return;
    }
    const times = [status.startedAt ? `started ${status.startedAt.toISOString()}` : '', status.endedAt ? `ended ${status.endedAt.toISOString()}` : '']
      .filter(Boolean)
      .join(', ');
    this.#out.write(`${status.taskName ?? status.taskId} run ${status.runId}: ${status.state}${times ? ` (${times})` : ''}\n`);
    if (status.errorMessage) this.#out.write(`  ${status.errorMessage}\n`);
  }

  stopped(description: string | undefined, cleanStop: boolean, exitCode: number): void {
    if (this.#json) this.#line({ event: 'stopped', cleanStop, description, exitCode });
    else this.#out.write(`${description ?? 'Stop requested.'}${cleanStop ? ' (clean stop)' : ''}\n`);
  }

  error(error: unknown, exitCode: number): void {
    this.#endProgress();
    const code = (error as Partial<IicsError>)?.code;
    const message = error instanceof Error ? error.message : String(error);
    this.#err.write(`iics-job: ${message}${code ? ` [${code}]` : ''}\n`);
    if (this.#json) this.#line({ event: 'error', code: code ?? 'UNEXPECTED', message, exitCode });
  }

  /** Ctrl-C or SIGTERM while waiting, without --stop-on-interrupt: how to pick the run up again. */
  interrupted(job: StartedJob): void {
    this.#endProgress();
    const selector = `--task-id ${job.taskId}`;
    this.#err.write(
      `iics-job: the job goes on in IICS. To pick it up again:\n` +
        `  iics-job status ${selector} --run-id ${job.runId}\n` +
        `  iics-job stop ${selector} --task-type ${job.taskType}\n` +
        `(or run with --stop-on-interrupt to stop it on Ctrl-C)\n`,
    );
  }

  close(): void {
    this.#endProgress();
  }

  #elapsed(): number {
    return this.#now() - this.#since;
  }

  #render(): void {
    if (this.#json || this.#state === undefined) return;
    const rows = this.#last?.rows?.successTargetRows ?? this.#last?.rows?.successSourceRows;
    const shown = rows !== undefined ? `  ${rows.toLocaleString('en-US')} rows` : '';
    this.#out.write(`\r\x1b[2K${this.#label}: ${this.#state}  ${formatElapsed(this.#elapsed())}${shown}`);
    this.#progressShown = true;
  }

  #armHeartbeat(): void {
    if (this.#heartbeat) clearTimeout(this.#heartbeat);
    this.#heartbeat = undefined;
    if (!this.#json || this.#heartbeatMs === undefined) return;
    this.#heartbeat = setTimeout(() => {
      const job = this.#job;
      this.#line({
        event: 'heartbeat',
        ...(this.#last ? summary(this.#last) : { taskId: job?.taskId, runId: job?.runId, state: this.#state ?? 'QUEUED' }),
        elapsedMs: this.#elapsed(),
      });
    }, this.#heartbeatMs);
    // The wait's own timers keep the process alive; this one must never be what does.
    this.#heartbeat.unref?.();
  }

  #endProgress(): void {
    this.#heartbeatMs = undefined;
    if (this.#heartbeat) clearTimeout(this.#heartbeat);
    this.#heartbeat = undefined;
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = undefined;
    if (this.#progressShown) this.#out.write('\n');
    this.#progressShown = false;
  }

  #line(value: Record<string, unknown>): void {
    this.#out.write(`${JSON.stringify(value)}\n`);
    this.#armHeartbeat();
  }
}

function summary(status: JobStatus): Record<string, unknown> {
  return {
    taskId: status.taskId,
    runId: status.runId,
    taskName: status.taskName,
    taskType: status.taskType,
    state: status.state,
    terminal: status.terminal,
    startedAt: status.startedAt?.toISOString(),
    endedAt: status.endedAt?.toISOString(),
    errorMessage: status.errorMessage,
    rows: status.rows,
    children: status.children?.map((c) => ({ taskId: c.taskId, taskName: c.taskName, runId: c.runId, state: c.state })),
  };
}
