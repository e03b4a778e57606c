import type { TimerGroup } from '../timers.js';
import type { FakeTask } from '../types.js';
import { zipSync } from 'fflate';
import type { FakeIngestionFileState, FakeIngestionRun } from './types.js';

export interface StartIngestionOptions {
  startedBy: string;
  parameters?: unknown;
  variables?: unknown;
}

interface Waiter {
  runId: string;
  resolve(run: FakeIngestionRun): void;
  reject(error: unknown): void;
}

/**
 * Runs of file ingestion tasks on the fake clock. A run transfers its files one after another, each
 * taking an equal share of the task's duration; its state is read off the clock, so a manual clock
 * or a scaled one shows the same progress at the same fake time.
 */
export class IngestionEngine {
  readonly views: FakeIngestionRun[] = [];
  readonly #byId = new Map<string, { task: FakeTask; view: FakeIngestionRun }>();
  readonly #waiters = new Set<Waiter>();
  #next: bigint;

  constructor(
    private readonly timers: TimerGroup,
    firstRunId: string,
  ) {
    this.#next = BigInt(firstRunId);
  }

  start(task: FakeTask, options: StartIngestionOptions): FakeIngestionRun {
    const runId = (this.#next++).toString();
    const startedAt = Math.floor(this.timers.clock.now());
    const files = task.files!;
    const share = task.durationMs / files.length;
    const endAt = startedAt + task.durationMs;
    const clock = this.timers.clock;
    // Read off the clock: file i runs from startedAt + i * share to startedAt + (i + 1) * share.
    const fileState = (i: number): FakeIngestionFileState => {
      const elapsed = clock.now() - startedAt;
      if (elapsed >= (i + 1) * share || elapsed >= task.durationMs) return files[i]!.outcome === 'failed' ? 'FAILED' : 'SUCCESS';
      return elapsed >= i * share ? 'RUNNING' : 'QUEUED';
    };
    const ended = (): boolean => clock.now() >= endAt;
    const logs = task.logs ?? defaultLogs(task, runId, startedAt, endAt, options.startedBy);
    const view: FakeIngestionRun = Object.freeze({
      runId,
      taskId: task.id,
      taskName: task.name,
      startedAt,
      startedBy: options.startedBy,
      ...(options.parameters !== undefined ? { parameters: options.parameters } : {}),
      ...(options.variables !== undefined ? { variables: options.variables } : {}),
      logs,
      get state() {
        if (!ended()) return 'RUNNING' as const;
        return files.some((f) => f.outcome === 'failed') ? ('FAILED' as const) : ('SUCCESS' as const);
      },
      get endedAt() {
        return ended() ? endAt : undefined;
      },
      get files() {
        return files.map((f, i) => ({ name: f.name, sizeBytes: f.sizeBytes, state: fileState(i) }));
      },
    });
    this.views.push(view);
    this.#byId.set(runId, { task, view });
    this.timers.at(() => {
      for (const waiter of this.#waiters) if (waiter.runId === runId) waiter.resolve(view);
    }, endAt);
    return view;
  }

  find(runId: string): { task: FakeTask; view: FakeIngestionRun } | undefined {
    return this.#byId.get(runId);
  }

  active(task: FakeTask): FakeIngestionRun[] {
    return this.views.filter((run) => run.taskId === task.id && run.endedAt === undefined);
  }

  /** Resolves once the run has ended. */
  waitFor(runId: string, signal: AbortSignal | undefined, closing: AbortSignal): Promise<FakeIngestionRun> {
    const found = this.#byId.get(runId);
    if (!found) return Promise.reject(new TypeError(`waitForFileIngestionRun: no file ingestion run has the id ${JSON.stringify(runId)}`));
    if (found.view.endedAt !== undefined) return Promise.resolve(found.view);
    if (closing.aborted) return Promise.reject(new Error('the fake IICS was closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.#waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        closing.removeEventListener('abort', onClose);
      };
      const waiter: Waiter = {
        runId,
        resolve: (run) => (done(), resolve(run)),
        reject: (error) => (done(), reject(error)),
      };
      const onAbort = (): void => waiter.reject(signal?.reason);
      const onClose = (): void => waiter.reject(new Error('the fake IICS was closed'));
      signal?.addEventListener('abort', onAbort, { once: true });
      closing.addEventListener('abort', onClose, { once: true });
      this.#waiters.add(waiter);
    });
  }
}

/** A zip holding one text log, like the log bundle the real service is said to return (its media type is UNCONFIRMED). */
function defaultLogs(task: FakeTask, runId: string, startedAt: number, endAt: number, startedBy: string): { contentType: string; body: Uint8Array } {
  const lines = [
    `File ingestion job ${runId} of task ${task.name} (${task.id}), started by ${startedBy}`,
    `Start: ${new Date(startedAt).toISOString()}  End: ${new Date(endAt).toISOString()}`,
    ...task.files!.map((f) => `${f.outcome === 'failed' ? 'FAILED ' : 'SUCCESS'} ${f.name} (${f.sizeBytes} bytes)`),
    '',
  ];
  const log = new TextEncoder().encode(lines.join('\n'));
  return { contentType: 'application/zip', body: zipSync({ [`${task.name}_${runId}.log`]: [log, { level: 6, mtime: new Date(startedAt) }] }) };
}
