import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TASK_TYPES, isTaskType, type TaskTypeName } from '@iics-jobs/schema';
import type { TaskSelector } from '../jobs.js';
import { MAX_TIMEOUT_MS } from '../options.js';
import { MAX_WAIT_MS } from '../wait.js';
import { formatDuration, parseDuration } from './duration.js';
import type { RunSelector } from './log-command.js';

/** A usage mistake: exit 64 with a short help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommonArgs {
  json: boolean;
  verbose: boolean;
  requestTimeoutMs?: number;
}

export type Parsed =
  | { command: 'help'; topic: 'main' | 'run' | 'status' | 'stop' | 'log' | 'report' }
  | { command: 'version' }
  | ({
      command: 'run';
      task: TaskSelector;
      taskType: TaskTypeName;
      callbackURL?: string;
      parameterFile?: { name: string; dir: string };
      wait: boolean;
      pollIntervalMs?: number;
      timeoutMs?: number;
      /** No output at all, only the exit code (and errors on stderr). */
      quiet: boolean;
    } & CommonArgs)
  | ({ command: 'log'; run: RunSelector } & CommonArgs)
  | ({ command: 'report'; run: RunSelector; lines?: number } & CommonArgs)
  | ({ command: 'status'; taskId: string; runId: number } & CommonArgs)
  | ({ command: 'stop'; task: TaskSelector; taskType: TaskTypeName; cleanStop: boolean } & CommonArgs);

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  'request-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
const TASK: Options = {
  'task-name': { type: 'string' },
  'task-id': { type: 'string' },
  'federated-id': { type: 'string' },
  path: { type: 'string' },
  'task-type': { type: 'string' },
};

export function parseCommandLine(argv: readonly string[]): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help', topic: 'main' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  switch (command) {
    case 'run':
      return parseRun(rest);
    case 'status':
      return parseStatus(rest);
    case 'stop':
      return parseStop(rest);
    case 'log':
    case 'report':
      return parseLogOrReport(command, rest);
    default:
      throw new UsageError(`Unknown command "${command}"; the commands are run, status, stop, log and report.`);
  }
}

function parseRun(argv: string[]): Parsed {
  const values = parse(argv, {
    ...COMMON,
    ...TASK,
    'callback-url': { type: 'string' },
    'param-file-name': { type: 'string' },
    'param-file-dir': { type: 'string' },
    'no-wait': { type: 'boolean' },
    'poll-interval': { type: 'string' },
    timeout: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values.help) return { command: 'help', topic: 'run' };
  const name = str(values['param-file-name']);
  const dir = str(values['param-file-dir']);
  if ((name === undefined) !== (dir === undefined)) throw new UsageError('--param-file-name and --param-file-dir go together.');
  const callbackURL = str(values['callback-url']);
  const pollIntervalMs = duration(values['poll-interval'], '--poll-interval', MAX_WAIT_MS);
  const timeoutMs = duration(values.timeout, '--timeout', MAX_WAIT_MS);
  const wait = values['no-wait'] !== true;
  if (!wait && (pollIntervalMs !== undefined || timeoutMs !== undefined)) {
    throw new UsageError('--no-wait does not wait: drop --poll-interval and --timeout.');
  }
  return {
    command: 'run',
    task: selector(values),
    taskType: taskType(values['task-type']),
    wait,
    quiet: values.quiet === true,
    ...(callbackURL !== undefined ? { callbackURL } : {}),
    ...(name !== undefined && dir !== undefined ? { parameterFile: { name, dir } } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...common(values),
  };
}

function parseStatus(argv: string[]): Parsed {
  const values = parse(argv, { ...COMMON, 'task-id': { type: 'string' }, 'run-id': { type: 'string' } });
  if (values.help) return { command: 'help', topic: 'status' };
  const taskId = str(values['task-id']);
  if (!taskId) throw new UsageError('status needs --task-id (the v2 task id that "run" printed).');
  const runIdText = str(values['run-id']);
  if (runIdText === undefined) throw new UsageError('status needs --run-id.');
  if (!/^\d+$/.test(runIdText) || !Number.isSafeInteger(Number(runIdText))) {
    throw new UsageError(`--run-id must be a whole number (got "${runIdText}").`);
  }
  return { command: 'status', taskId, runId: Number(runIdText), ...common(values) };
}

/** `log` and `report`: a run by --task-id and --run-id, or the newest ended run of --task-name / --path. */
function parseLogOrReport(command: 'log' | 'report', argv: string[]): Parsed {
  const values = parse(argv, {
    ...COMMON,
    'task-id': { type: 'string' },
    'run-id': { type: 'string' },
    'task-name': { type: 'string' },
    path: { type: 'string' },
    'task-type': { type: 'string' },
    ...(command === 'report' ? { lines: { type: 'string' } } : {}),
  });
  if (values.help) return { command: 'help', topic: command };
  if (command === 'log' && values.json) throw new UsageError('log prints the log itself; --json is for report.');
  const taskId = str(values['task-id']);
  const runIdText = str(values['run-id']);
  const named = (['task-name', 'path'] as const).filter((flag) => str(values[flag]) !== undefined);
  let run: RunSelector;
  if (taskId !== undefined || runIdText !== undefined) {
    if (named.length > 0) throw new UsageError(`Name the run by --task-id and --run-id, or the task by --${named[0]} (its newest run), not both.`);
    if (values['task-type'] !== undefined) throw new UsageError('--task-type goes with --task-name or --path; --task-id and --run-id name the run already.');
    if (!taskId) throw new UsageError(`${command} needs --task-id with --run-id.`);
    if (runIdText === undefined) throw new UsageError(`${command} needs --run-id with --task-id (or --task-name for the newest run).`);
    if (!/^\d+$/.test(runIdText) || !Number.isSafeInteger(Number(runIdText))) throw new UsageError(`--run-id must be a whole number (got "${runIdText}").`);
    run = { taskId, runId: Number(runIdText) };
  } else {
    if (named.length !== 1) throw new UsageError(`${command} needs --task-id and --run-id, or one of --task-name or --path (its newest run).`);
    const value = str(values[named[0]!])!;
    if (value.trim() === '') throw new UsageError(`--${named[0]} needs a value.`);
    const type = values['task-type'] === undefined ? {} : { taskType: taskType(values['task-type']) };
    run = named[0] === 'path' ? { path: value, ...type } : { taskName: value, ...type };
  }
  const linesText = str(values.lines);
  if (linesText !== undefined && (!/^\d+$/.test(linesText) || Number(linesText) > 10_000)) {
    throw new UsageError(`--lines must be a whole number from 0 to 10000 (got "${linesText}").`);
  }
  const common_ = common(values);
  return command === 'log'
    ? { command, run, ...common_ }
    : { command, run, ...(linesText !== undefined ? { lines: Number(linesText) } : {}), ...common_ };
}

function parseStop(argv: string[]): Parsed {
  const values = parse(argv, { ...COMMON, ...TASK, clean: { type: 'boolean' } });
  if (values.help) return { command: 'help', topic: 'stop' };
  return {
    command: 'stop',
    task: selector(values),
    taskType: taskType(values['task-type']),
    cleanStop: values.clean === true,
    ...common(values),
  };
}

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

function parse(argv: string[], options: Options): Values {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
    return values as Values;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // parseArgs's messages name the option ("Unknown option '--x'", "Option '--task-id <value>' argument missing").
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

function str(value: Values[string]): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function selector(values: Values): TaskSelector {
  const given: Array<[string, string]> = [];
  for (const [flag, key] of [
    ['task-name', 'taskName'],
    ['task-id', 'taskId'],
    ['federated-id', 'taskFederatedId'],
    ['path', 'path'],
  ] as const) {
    const v = str(values[flag]);
    if (v !== undefined) {
      if (v.trim() === '') throw new UsageError(`--${flag} needs a value.`);
      given.push([key, v]);
    }
  }
  if (given.length === 0) throw new UsageError('Name the task with one of --task-name, --task-id, --federated-id or --path.');
  if (given.length > 1) throw new UsageError('Name the task one way only (one of --task-name, --task-id, --federated-id, --path).');
  const [key, value] = given[0]!;
  return { [key]: value } as unknown as TaskSelector;
}

function taskType(value: Values[string]): TaskTypeName {
  const v = str(value);
  if (v === undefined) throw new UsageError(`--task-type is required: one of ${TASK_TYPES.join(', ')}.`);
  // Upper-cased for the user's convenience: IICS's own examples write "Workflow".
  const upper = v.toUpperCase();
  if (!isTaskType(upper)) throw new UsageError(`--task-type must be one of ${TASK_TYPES.join(', ')} (got "${v}").`);
  return upper;
}

/**
 * A duration flag, checked in full here, before anything is sent: its limit is the one the client
 * applies to the option it becomes, so that no usage error can come after a job has started.
 */
function duration(value: Values[string], flag: string, maxMs: number): number | undefined {
  const v = str(value);
  if (v === undefined) return undefined;
  const ms = parseDuration(v);
  if (ms === undefined) throw new UsageError(`${flag} must be a duration such as 500ms, 10s, 5m, 2h or 1h30m (got "${v}").`);
  if (ms > maxMs) throw new UsageError(`${flag} must be at most ${formatDuration(maxMs)} (got "${v}").`);
  return ms;
}

function common(values: Values): CommonArgs {
  // Also the login timeout: both are client timeouts, capped at MAX_TIMEOUT_MS.
  const requestTimeoutMs = duration(values['request-timeout'], '--request-timeout', MAX_TIMEOUT_MS);
  return {
    json: values.json === true,
    verbose: values.verbose === true,
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
  };
}
