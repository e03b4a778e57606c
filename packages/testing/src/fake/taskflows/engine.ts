import type { TimerGroup } from '../timers.js';
import { taskflowRunId } from './run-ids.js';
import type { FakeTaskflow, FakeTaskflowRun, FakeTaskflowState, FakeTaskflowStepRun } from './types.js';

export const STEP_FAULT_MESSAGE = 'TE_7002 Transformation Parse Fatal Error; transformation stopped.';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type StepView = Mutable<FakeTaskflowStepRun>;
type RunView = Mutable<Omit<FakeTaskflowRun, 'steps' | 'resumes'>> & {
  steps: StepView[];
  resumes: Array<FakeTaskflowRun['resumes'][number]>;
};

interface TaskflowRecord {
  readonly view: RunView;
  readonly taskflow: FakeTaskflow;
  /** The step running now, or the faulted one while SUSPENDED. */
  step: number;
  /** Steps that were resumed with a retry succeed the second time: the fault was fixed. */
  readonly retried: Set<number>;
  timer?: { cancel(): void };
}

export interface StartTaskflowOptions {
  startedBy: string;
  auth: 'session' | 'basic';
  method: 'GET' | 'POST';
  input: Record<string, unknown>;
  instanceName?: string;
}

/** Runs of published taskflows on the fake clock: steps in order, suspension, resume and terminate. */
export class TaskflowEngine {
  readonly views: FakeTaskflowRun[] = [];
  private readonly records = new Map<string, TaskflowRecord>();

  constructor(private readonly timers: TimerGroup) {}

  get now(): number {
    return Math.floor(this.timers.clock.now());
  }

  start(taskflow: FakeTaskflow, options: StartTaskflowOptions): FakeTaskflowRun {
    let runId = taskflowRunId();
    while (this.records.has(runId)) runId = taskflowRunId();
    const view: RunView = {
      runId,
      apiName: taskflow.apiName,
      name: taskflow.name,
      assetName: options.instanceName ? `${taskflow.name}-${options.instanceName}-${runId}` : taskflow.name,
      state: 'RUNNING',
      startedAt: this.now,
      startedBy: options.startedBy,
      auth: options.auth,
      input: options.input,
      method: options.method,
      steps: taskflow.steps.map((step) => ({ name: step.name, type: step.type, state: 'NOT_STARTED' })),
      resumes: [],
    };
    if (options.instanceName) view.instanceName = options.instanceName;
    const record: TaskflowRecord = { view, taskflow, step: 0, retried: new Set() };
    this.records.set(runId, record);
    this.views.push(view);
    this.runStep(record, 0);
    return view;
  }

  find(runId: string): FakeTaskflowRun | undefined {
    return this.records.get(runId)?.view;
  }

  /** Ends running or suspended runs as STOPPED. The caller has checked that each can be terminated. */
  terminate(runIds: readonly string[], by: string): void {
    for (const runId of runIds) {
      const record = this.records.get(runId)!;
      record.timer?.cancel();
      const step = record.view.steps[record.step];
      if (step?.state === 'RUNNING') Object.assign(step, { state: 'STOPPED', endedAt: this.now });
      record.view.terminatedBy = by;
      this.end(record, 'STOPPED', `The taskflow was terminated by user ${by}.`);
    }
  }

  /** Continues a SUSPENDED run: the faulted step again (retry) or the next one (skip). */
  resume(runId: string, mode: 'retry' | 'skip', by: string): void {
    const record = this.records.get(runId)!;
    record.view.resumes.push({ at: this.now, mode, by });
    record.view.state = 'RUNNING';
    delete record.view.errorMessage;
    if (mode === 'retry') {
      record.retried.add(record.step);
      this.runStep(record, record.step);
    } else {
      const step = record.view.steps[record.step]!;
      step.state = 'SKIPPED';
      this.runStep(record, record.step + 1);
    }
  }

  /** Runs the query form lists: newest first. */
  newestFirst(): FakeTaskflowRun[] {
    return [...this.views].sort((a, b) => b.startedAt - a.startedAt || this.views.indexOf(b) - this.views.indexOf(a));
  }

  private runStep(record: TaskflowRecord, index: number): void {
    const definition = record.taskflow.steps[index];
    if (!definition) {
      this.end(record, 'SUCCESS');
      return;
    }
    record.step = index;
    const step = record.view.steps[index]!;
    const startedAt = this.now;
    Object.assign(step, { state: 'RUNNING', startedAt });
    delete step.endedAt;
    delete step.errorMessage;
    const endAt = startedAt + definition.durationMs;
    record.timer = this.timers.at(() => {
      record.timer = undefined;
      const outcome = record.retried.has(index) ? 'success' : definition.outcome;
      step.endedAt = endAt;
      if (outcome === 'success') {
        step.state = 'SUCCESS';
        this.runStep(record, index + 1);
        return;
      }
      step.state = 'FAILED';
      step.errorMessage = STEP_FAULT_MESSAGE;
      const message = `Step ${definition.name} failed: ${STEP_FAULT_MESSAGE}`;
      if (outcome === 'failed') this.end(record, 'FAILED', message);
      else {
        // A suspended run has not ended: it waits for a person to resume or terminate it.
        record.view.state = 'SUSPENDED';
        record.view.errorMessage = message;
      }
    }, endAt);
  }

  private end(record: TaskflowRecord, state: Exclude<FakeTaskflowState, 'RUNNING' | 'SUSPENDED'>, errorMessage?: string): void {
    record.view.state = state;
    record.view.endedAt = this.now;
    if (errorMessage === undefined) delete record.view.errorMessage;
    else record.view.errorMessage = errorMessage;
  }
}
