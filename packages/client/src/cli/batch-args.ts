import { readFileSync } from 'node:fs';
import type { Command, OptionValues } from 'commander';
import { TASK_TYPES, isTaskType, type TaskTypeName } from '@iics-jobs/schema';
import type { RunManyRequest } from '../jobs/run-many.js';
import { MAX_CONCURRENCY } from '../jobs/run-many.js';
import { isPattern } from '../tasks/match.js';
import { repeatable, singleValue, UsageError } from './flags.js';

/** The task flags of `run`, in the order given: each may be repeated, and `--path`/`--task-name` may hold patterns. */
export type TaskFlag = { flag: 'task-name' | 'task-id' | 'federated-id' | 'path'; value: string };

export interface BatchFlags {
  tasks: TaskFlag[];
  taskType?: string;
  fromFile?: string;
  concurrency?: string;
  stopOnFailure: boolean;
}

/** What `iics-job run` does with several tasks: a plain options object, whichever parser read the flags. */
export interface BatchOptions {
  requests: RunManyRequest[];
  concurrency: number;
  stopOnFailure: boolean;
}

const KEYS = { 'task-name': 'taskName', 'task-id': 'taskId', 'federated-id': 'taskFederatedId', path: 'path' } as const;

/** Whether the flags ask for a batch rather than one plain run. */
export function isBatch(flags: BatchFlags): boolean {
  return (
    flags.tasks.length > 1 ||
    flags.fromFile !== undefined ||
    flags.concurrency !== undefined ||
    flags.stopOnFailure ||
    flags.tasks.some((t) => (t.flag === 'path' || t.flag === 'task-name') && isPattern(t.value))
  );
}

/** Checks the flags and reads `--from-file`, all before anything is sent. */
export function batchOptions(flags: BatchFlags, extra: { callbackURL?: string; parameterFile?: { name: string; dir: string } } = {}): BatchOptions {
  const taskType = flags.taskType === undefined ? undefined : checkType(flags.taskType, '--task-type');
  const requests: RunManyRequest[] = [];
  for (const { flag, value } of flags.tasks) {
    if (value.trim() === '') throw new UsageError(`--${flag} needs a value.`);
    requests.push(request(KEYS[flag], value, taskType, `--${flag} ${value}`));
  }
  if (flags.fromFile !== undefined) requests.push(...fromFile(flags.fromFile, taskType));
  if (requests.length === 0) throw new UsageError('Name the tasks with --task-name, --task-id, --federated-id, --path or --from-file.');
  for (const r of requests) Object.assign(r, extra);

  let concurrency = 1;
  if (flags.concurrency !== undefined) {
    concurrency = Number(flags.concurrency);
    if (!/^\d+$/.test(flags.concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got "${flags.concurrency}").`);
    }
  }
  return { requests, concurrency, stopOnFailure: flags.stopOnFailure };
}

function request(key: (typeof KEYS)[keyof typeof KEYS], value: string, taskType: TaskTypeName | undefined, where: string): RunManyRequest {
  const pattern = (key === 'path' || key === 'taskName') && isPattern(value);
  // A path without a type is found through v3 objects like a pattern, which tells each task's type.
  if (taskType === undefined && !pattern && key !== 'path') {
    throw new UsageError(`${where}: --task-type is required for a task named by ${key === 'taskName' ? 'name' : 'id'} (one of ${TASK_TYPES.join(', ')}).`);
  }
  return { [key]: value, ...(taskType ? { taskType } : {}) } as RunManyRequest;
}

/**
 * `--from-file`: one path or pattern a line (blank lines and lines starting with # are skipped),
 * or JSON: an array of paths/patterns and requests such as { "taskName": "MT_Load", "taskType": "MTT" }.
 */
function fromFile(file: string, taskType: TaskTypeName | undefined): RunManyRequest[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--from-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  if (/^\s*\[/.test(text)) return fromJson(file, text, taskType);
  const out: RunManyRequest[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    out.push(request('path', line, taskType, `${file}:${i + 1}`));
  }
  if (out.length === 0) throw new UsageError(`--from-file ${file} names no task.`);
  return out;
}

const ENTRY_KEYS = new Set(['taskName', 'taskId', 'taskFederatedId', 'path', 'taskType', 'callbackURL', 'parameterFile', 'runtime']);

function fromJson(file: string, text: string, taskType: TaskTypeName | undefined): RunManyRequest[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--from-file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`--from-file ${file}: the JSON must be a non-empty array of tasks.`);
  return list.map((entry: unknown, i) => {
    const where = `${file}[${i}]`;
    if (typeof entry === 'string') return request('path', entry, taskType, where);
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new UsageError(`${where} must be a path or an object such as { "taskName": "MT_Load", "taskType": "MTT" }.`);
    }
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).find((key) => !ENTRY_KEYS.has(key));
    if (unknown !== undefined) throw new UsageError(`${where}: unknown field "${unknown}"; the fields are ${[...ENTRY_KEYS].join(', ')}.`);
    const named = (['taskName', 'taskId', 'taskFederatedId', 'path'] as const).filter((key) => e[key] !== undefined);
    if (named.length !== 1) throw new UsageError(`${where}: name the task with exactly one of taskName, taskId, taskFederatedId or path.`);
    const value = e[named[0]!];
    if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${where}.${named[0]} must be a non-empty string.`);
    const type = e.taskType === undefined ? taskType : checkType(e.taskType, `${where}.taskType`);
    const base = request(named[0]!, value, type, where);
    return { ...e, ...base } as RunManyRequest;
  });
}

function checkType(value: unknown, where: string): TaskTypeName {
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  if (!isTaskType(upper)) throw new UsageError(`${where} must be one of ${TASK_TYPES.join(', ')} (got ${JSON.stringify(value)}).`);
  return upper;
}

/**
 * The task flags of `run` as commander options: each may be repeated, and `order` receives every
 * value in the order given across the four flags (commander alone keeps one list per flag).
 * Also --task-type (once), --concurrency, --stop-on-failure and --from-file.
 */
export function addBatchOptions(cmd: Command, order: TaskFlag[]): void {
  const flags = [
    ['task-name', 'name', "the task's name (Default folder); a pattern such as MT_Load_* too"],
    ['task-id', 'id', 'the v2 task id (Default folder)'],
    ['federated-id', 'id', 'the federated task id (any folder)'],
    ['path', 'path', 'the task\'s path, e.g. "Sales/TEST/MT_Load", or a pattern: "Sales/*/MT_Load_?", "Sales/**"'],
  ] as const;
  for (const [flag, value, description] of flags) {
    cmd.addOption(
      repeatable(`--${flag} <${value}>`, `${description} (may be repeated)`, (text) => {
        order.push({ flag, value: text });
        return text;
      }),
    );
  }
  const type = singleValue('--task-type <type>', 'the task type (for names; any case)');
  type.argChoices = [...TASK_TYPES];
  cmd.addOption(type);
  cmd.addOption(singleValue('--concurrency <n>', 'with several tasks: how many run at once (default 1)'));
  cmd.option('--stop-on-failure', 'with several tasks: after one fails or cannot start, start no more');
  cmd.addOption(singleValue('--from-file <file>', 'tasks from a file: a path or pattern a line, or a JSON array'));
}

export function batchFlags(opts: OptionValues, order: TaskFlag[]): BatchFlags {
  return {
    tasks: order,
    ...(typeof opts.taskType === 'string' ? { taskType: opts.taskType } : {}),
    ...(typeof opts.fromFile === 'string' ? { fromFile: opts.fromFile } : {}),
    ...(typeof opts.concurrency === 'string' ? { concurrency: opts.concurrency } : {}),
    stopOnFailure: opts.stopOnFailure === true,
  };
}
