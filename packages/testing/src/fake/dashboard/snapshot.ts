import type { Clock } from '../../clock.js';
import type { FaultState } from '../faults.js';
import type { RunEngine, RunRecord } from '../runs.js';
import type { FakeTask, RecordedRequest } from '../types.js';
import { maskQuery, maskUrl, maskValue } from './mask.js';

/** The newest this many requests and runs are shown: the page stays small when a benchmark runs 10,000 jobs. */
export const SHOWN = 500;

export interface DashboardSources {
  clock: Clock;
  tasks: readonly FakeTask[];
  engine: RunEngine;
  requests: readonly RecordedRequest[];
  violations: readonly string[];
  faults: FaultState;
  schedule: readonly number[];
  callbacksBusy(): boolean;
  /** Real ms from arrival to the end of the answer, for requests that were answered. */
  latencyOf(record: RecordedRequest): number | undefined;
}

export interface DashboardState {
  now: number;
  tasks: Array<{ id: string; name: string; type: string }>;
  runs: DashboardRun[];
  requests: DashboardRequest[];
  totalRequests: number;
  totalRuns: number;
  violations: string[];
  faults: ReturnType<FaultState['pending']>;
}

export interface DashboardRun {
  taskId: string;
  taskName: string;
  runId: number;
  state: string;
  startedAt: number;
  endedAt?: number;
  rows: { successSourceRows: number; failedSourceRows: number; successTargetRows: number; failedTargetRows: number };
  parent?: { taskId: string; runId: number };
  callbackURL?: string;
  callbackDelivered?: boolean;
  attempts: Array<{ delivery: number; at: number; status?: number; error?: string }>;
  /** Fake-clock ms of the next retry, while a delivery is still going on. */
  nextRetryAt?: number;
}

export interface DashboardRequest {
  index: number;
  at: number;
  origin: string;
  method: string;
  path: string;
  route?: string;
  status?: number;
  outcome: 'answered' | 'pending' | 'dropped' | 'aborted';
  latencyMs?: number;
  query: Record<string, string>;
  body: unknown;
  violations: string[];
}

export function snapshot(src: DashboardSources): DashboardState {
  const records = src.engine.records.slice(-SHOWN);
  const firstIndex = Math.max(0, src.requests.length - SHOWN);
  return {
    now: src.clock.now(),
    tasks: src.tasks.map((task) => ({ id: task.id, name: task.name, type: task.type })),
    runs: records.map((run) => runOf(run, src)),
    totalRuns: src.engine.records.length,
    requests: src.requests.slice(firstIndex).map((record, i) => requestOf(record, firstIndex + i, src)),
    totalRequests: src.requests.length,
    violations: [...src.violations],
    faults: src.faults.pending(),
  };
}

function runOf(run: RunRecord, src: DashboardSources): DashboardRun {
  const v = run.view;
  const attempts = v.callbackDeliveries.map((a) => ({ delivery: a.delivery, at: a.at, ...(a.status === undefined ? {} : { status: a.status }), ...(a.error === undefined ? {} : { error: a.error }) }));
  const out: DashboardRun = { taskId: v.taskId, taskName: v.taskName, runId: v.runId, state: v.state, startedAt: v.startedAt, rows: { ...run.rows }, attempts };
  if (v.endedAt !== undefined) out.endedAt = v.endedAt;
  if (v.parent) out.parent = { ...v.parent };
  if (v.callbackURL !== undefined) out.callbackURL = maskUrl(v.callbackURL);
  if (v.callbackDelivered !== undefined) out.callbackDelivered = v.callbackDelivered;
  const next = nextRetry(run, src);
  if (next !== undefined) out.nextRetryAt = next;
  return out;
}

/** The next attempt of a delivery that has not got its 200 yet: the last attempt's time plus the schedule's next delay. */
function nextRetry(run: RunRecord, src: DashboardSources): number | undefined {
  const v = run.view;
  if (v.callbackURL === undefined || v.callbackDelivered !== undefined || !src.callbacksBusy()) return undefined;
  const byDelivery = new Map<number, Array<{ at: number; status?: number }>>();
  for (const attempt of v.callbackDeliveries) {
    let list = byDelivery.get(attempt.delivery);
    if (!list) byDelivery.set(attempt.delivery, (list = []));
    list.push(attempt);
  }
  let next: number | undefined;
  for (const list of byDelivery.values()) {
    const last = list[list.length - 1]!;
    if (last.status === 200) continue;
    const delay = src.schedule[list.length - 1];
    if (delay === undefined) continue;
    next = next === undefined ? last.at + delay : Math.min(next, last.at + delay);
  }
  return next;
}

function requestOf(record: RecordedRequest, index: number, src: DashboardSources): DashboardRequest {
  const outcome = record.status !== undefined ? 'answered' : record.dropped ? 'dropped' : record.aborted ? 'aborted' : 'pending';
  const out: DashboardRequest = {
    index,
    at: record.at,
    origin: record.origin,
    method: record.method,
    path: record.path,
    outcome,
    query: maskQuery(record.query),
    body: maskValue(record.body),
    violations: record.route ? src.violations.filter((problem) => problem.startsWith(`${record.route} `) && record.status === 500) : [],
  };
  if (record.route !== undefined) out.route = record.route;
  if (record.status !== undefined) out.status = record.status;
  const latency = src.latencyOf(record);
  if (latency !== undefined) out.latencyMs = latency;
  return out;
}
