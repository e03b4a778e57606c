import { TASK_TYPES } from '@iics-jobs/schema';
import { checkMs } from '../checks.js';
import { ID_CODES, federatedId, type V2IdFactory } from '../ids.js';
import { resolveIngestionTask } from './ingestion/tasks.js';
import { checkTaskKeys } from './task-keys.js';
import type { FakeOutcome, FakeTask, FakeTaskDefinition, FakeTaskType } from './types.js';

export const DEFAULT_DURATION_MS = 30_000;
export const DEFAULT_QUEUED_MS = 2_000;
const OUTCOMES: readonly FakeOutcome[] = ['success', 'warning', 'failed'];

/** The tasks a fake has when the options name none. */
export function defaultTaskDefinitions(): FakeTaskDefinition[] {
  return [
    { name: 'MT_Load', type: 'MTT' },
    { name: 'MT_Warning', type: 'MTT', outcome: 'warning' },
    { name: 'MT_Fail', type: 'MTT', outcome: 'failed' },
    { name: 'DSS_Sync', type: 'DSS' },
    { name: 'PCS_Nightly', type: 'PCS', parallel: false },
    {
      name: 'LT_Nightly',
      type: 'WORKFLOW',
      children: [
        { name: 'MT_Extract', type: 'MTT' },
        { name: 'MT_Transform', type: 'MTT' },
      ],
    },
    { name: 'MT_Sales', type: 'MTT', path: 'Sales/TEST/MT_Sales' },
    { name: 'MI_Orders', type: 'MI_TASK', path: 'Sales/Ingest/MI_Orders', files: ['orders_1.csv', 'orders_2.csv', 'orders_3.csv'] },
    { name: 'MI_Broken', type: 'MI_TASK', files: ['good.csv', 'bad.csv'], outcome: 'failed' },
  ];
}

/** The fake's task list: resolves definitions (ids, paths, durations) and finds tasks by id, federated id or name. */
export class TaskCatalog {
  readonly list: FakeTask[] = [];

  constructor(private readonly ids: V2IdFactory) {}

  /** Adds a definition and, for a linear taskflow, its tasks. Throws a TypeError naming the bad field. */
  add(definition: FakeTaskDefinition, where = 'task'): FakeTask {
    return this.resolve(definition, where, undefined);
  }

  byId(id: string): FakeTask | undefined {
    return this.list.find((task) => task.id === id);
  }

  byFederatedId(id: string): FakeTask | undefined {
    return this.list.find((task) => task.federatedId === id);
  }

  /** Names are only unique per folder, so a start by name looks in the Default folder, as taskId does. */
  byName(name: string): FakeTask[] {
    return this.list.filter((task) => task.name === name);
  }

  byPath(path: string, type: string): FakeTask | undefined {
    const upper = type.toUpperCase();
    return this.list.find((task) => task.path === path && task.type === upper);
  }

  private resolve(definition: FakeTaskDefinition, where: string, parentShareMs: number | undefined): FakeTask {
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
      throw new TypeError(`${where} must be an object like { name: "MT_Load", type: "MTT" }`);
    }
    const name = definition.name;
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError(`${where}.name must be a non-empty string`);
    const type = (typeof definition.type === 'string' ? definition.type.toUpperCase() : definition.type) as FakeTaskType;
    if (type === 'MI_TASK' && parentShareMs !== undefined) throw new TypeError(`${where}: a linear taskflow runs v2 tasks, not MI_TASK file ingestion tasks`);
    if (type === 'MI_TASK') {
      const task = resolveIngestionTask({ ...definition, type }, where, (id) => this.byId(id) !== undefined || this.byFederatedId(id) !== undefined);
      this.list.push(task);
      return task;
    }
    if (!(TASK_TYPES as readonly string[]).includes(type)) {
      throw new TypeError(`${where}.type must be one of ${[...TASK_TYPES, 'MI_TASK'].join(', ')}, got ${JSON.stringify(definition.type)}`);
    }
    checkTaskKeys(definition, type, where);
    const path = definition.path ?? `Default/${name}`;
    if (typeof path !== 'string' || !(path === name || path.endsWith(`/${name}`)) || path.split('/').some((part) => part === '')) {
      throw new TypeError(`${where}.path must be "<project>/<folders>/${name}" ending with the task name, got ${JSON.stringify(path)}`);
    }

    // A taskflow's task that is already known (same name and type) is that task, as in IICS.
    const known = this.list.find((task) => task.name === name && task.type === type && task.path === path);
    if (known) {
      if (parentShareMs === undefined) throw new TypeError(`${where}: a ${type} task named ${JSON.stringify(name)} at ${path} exists already`);
      return known;
    }

    const durationMs = optionalMs(definition.durationMs, `${where}.durationMs`) ?? parentShareMs ?? DEFAULT_DURATION_MS;
    const queuedMs = Math.min(optionalMs(definition.queuedMs, `${where}.queuedMs`) ?? (parentShareMs === undefined ? DEFAULT_QUEUED_MS : 0), durationMs);
    const outcome = definition.outcome ?? 'success';
    if (!OUTCOMES.includes(outcome)) throw new TypeError(`${where}.outcome must be one of ${OUTCOMES.join(', ')}, got ${JSON.stringify(outcome)}`);
    const sessionLogBytes = optionalBytes(definition.sessionLogBytes, `${where}.sessionLogBytes`);
    const parallel = definition.parallel ?? true;
    if (typeof parallel !== 'boolean') throw new TypeError(`${where}.parallel must be a boolean`);

    const id = this.uniqueId(definition.id, `${where}.id`, () => this.ids.next(ID_CODES[type]), (v) => this.byId(v));
    const fid = this.uniqueId(definition.federatedId, `${where}.federatedId`, federatedId, (v) => this.byFederatedId(v));

    let children: FakeTask[] = [];
    if (definition.children !== undefined && type !== 'WORKFLOW') {
      throw new TypeError(`${where}.children is only for WORKFLOW tasks (linear taskflows)`);
    }
    if (type === 'WORKFLOW') {
      const childDefinitions = definition.children ?? defaultChildren(name, outcome);
      if (!Array.isArray(childDefinitions) || childDefinitions.length === 0) {
        throw new TypeError(`${where}.children must be a non-empty array of task definitions`);
      }
      const shares = splitEvenly(durationMs - queuedMs, childDefinitions.length);
      children = childDefinitions.map((child, i) => {
        const childWhere = `${where}.children[${i}]`;
        if (child && typeof child === 'object' && typeof child.type === 'string' && child.type.toUpperCase() === 'WORKFLOW') {
          throw new TypeError(`${childWhere}: a linear taskflow runs tasks, not other taskflows`);
        }
        return this.resolve(child, childWhere, shares[i]);
      });
    }

    const task: FakeTask = Object.freeze({ name, type, id, federatedId: fid, path, durationMs, queuedMs, outcome, parallel, sessionLogBytes, children: Object.freeze(children) });
    this.list.push(task);
    return task;
  }

  private uniqueId(given: unknown, where: string, make: () => string, find: (id: string) => FakeTask | undefined): string {
    if (given !== undefined) {
      if (typeof given !== 'string' || given === '') throw new TypeError(`${where} must be a non-empty string`);
      if (find(given)) throw new TypeError(`${where} ${JSON.stringify(given)} is used by another task`);
      return given;
    }
    let id = make();
    while (find(id)) id = make();
    return id;
  }
}

/** A linear taskflow defined without its tasks runs two mapping tasks; the last one carries its outcome. */
function defaultChildren(name: string, outcome: FakeOutcome): FakeTaskDefinition[] {
  return [
    { name: `${name}_Step1`, type: 'MTT' },
    { name: `${name}_Step2`, type: 'MTT', outcome },
  ];
}

function splitEvenly(total: number, parts: number): number[] {
  const share = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => (i === parts - 1 ? total - share * (parts - 1) : share));
}

function optionalMs(value: unknown, where: string): number | undefined {
  return value === undefined ? undefined : checkMs(value, where, 'atLeast0');
}

/** At most 512 MiB: a log that large is a mistake in the test, not a real log. */
function optionalBytes(value: unknown, where: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 512 * 1024 * 1024) {
    throw new TypeError(`${where} must be a whole number of bytes from 0 to 536870912, got ${JSON.stringify(value)}`);
  }
  return value;
}
