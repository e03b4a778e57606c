import { Option, type Command, type OptionValues } from 'commander';
import { TASK_TYPES, isTaskType, type TaskTypeName } from '@iics-jobs/schema';
import type { TaskSelector } from '../jobs.js';
import { MAX_TIMEOUT_MS } from '../options.js';
import { formatDuration, parseDuration } from './duration.js';

/** A usage mistake: exit 64 with a short help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommonArgs {
  json: boolean;
  verbose: boolean;
  requestTimeoutMs?: number;
}

export const DURATION_FORMS = '500ms, 10s, 5m, 2h, 1h30m, or a number of seconds';

/**
 * An option that takes one value. commander keeps the last of repeated values; here a second
 * `--task-name` is a usage error, because running only the last task named is a silent surprise.
 * A flag that becomes repeatable uses `repeatable` instead.
 */
export function singleValue<T = string>(flags: string, description: string, parse?: (text: string, flag: string) => T): Option {
  const option = new Option(flags, description);
  const flag = option.long ?? flags;
  let first: string | undefined;
  return option.argParser((text: string) => {
    if (first !== undefined) throw new UsageError(`${flag} was given twice ("${first}" and "${text}"); it takes one value.`);
    first = text;
    return parse ? parse(text, flag) : text;
  });
}

/** An option that may be given several times: its value is the list, in the order given. */
export function repeatable<T = string>(flags: string, description: string, parse?: (text: string, flag: string) => T): Option {
  const option = new Option(flags, description);
  const flag = option.long ?? flags;
  return option.argParser((text: string, previous: T[] | undefined) => [...(previous ?? []), parse ? parse(text, flag) : (text as T)]);
}

/** The parser of a duration flag: checked in full while parsing, so no usage error comes after a job has started. */
export function durationValue(maxMs: number): (text: string, flag: string) => number {
  return (text, flag) => {
    const ms = parseDuration(text);
    if (ms === undefined) throw new UsageError(`${flag} must be a duration above zero: ${DURATION_FORMS} (got "${text}").`);
    if (ms > maxMs) throw new UsageError(`${flag} must be at most ${formatDuration(maxMs)} (got "${text}").`);
    return ms;
  };
}

/** The ways to name a task: the flag, commander's attribute for it, and the request's key. */
const SELECTORS = [
  ['--task-name', 'taskName', 'taskName', "the task's name (Default folder)"],
  ['--task-id', 'taskId', 'taskId', 'the v2 task id (Default folder)'],
  ['--federated-id', 'federatedId', 'taskFederatedId', 'the federated task id (any folder)'],
  ['--path', 'path', 'path', 'the task\'s path, e.g. "Sales/TEST/MT_Load" (resolved by lookup)'],
] as const;

export const SELECTOR_USAGE = '(--task-name N | --task-id I | --federated-id F | --path P) --task-type T';

/** --task-name, --task-id, --federated-id, --path and --task-type. */
export function addTaskOptions(cmd: Command): void {
  for (const [flag, , , description] of SELECTORS) {
    const value = flag === '--task-name' ? 'name' : flag === '--path' ? 'path' : 'id';
    cmd.addOption(singleValue(`${flag} <${value}>`, description));
  }
  const type = singleValue('--task-type <type>', 'the task type (required; any case)');
  // Listed in the help and offered by completion; the check itself is taskType()'s, which accepts any case.
  type.argChoices = [...TASK_TYPES];
  cmd.addOption(type);
}

/** --json, --verbose, --request-timeout. */
export function addCommonOptions(cmd: Command): void {
  cmd.option('--json', 'JSON lines on stdout (the default when stdout is not a terminal)');
  cmd.option('--verbose', 'log requests, retries and re-logins to stderr');
  // Also the login timeout: both are client timeouts, capped at MAX_TIMEOUT_MS.
  cmd.addOption(singleValue('--request-timeout <duration>', 'timeout of one request to IICS (default 60s)', durationValue(MAX_TIMEOUT_MS)));
}

export function commonArgs(opts: OptionValues): CommonArgs {
  const requestTimeoutMs = opts.requestTimeout as number | undefined;
  return {
    json: opts.json === true,
    verbose: opts.verbose === true,
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
  };
}

export function selector(opts: OptionValues): TaskSelector {
  const given: Array<[string, string]> = [];
  for (const [flag, attribute, key] of SELECTORS) {
    const value = opts[attribute] as string | undefined;
    if (value === undefined) continue;
    if (value.trim() === '') throw new UsageError(`${flag} needs a value.`);
    given.push([key, value]);
  }
  if (given.length === 0) throw new UsageError('Name the task with one of --task-name, --task-id, --federated-id or --path.');
  if (given.length > 1) throw new UsageError('Name the task one way only (one of --task-name, --task-id, --federated-id, --path).');
  const [key, value] = given[0]!;
  return { [key]: value } as unknown as TaskSelector;
}

export function taskType(opts: OptionValues): TaskTypeName {
  const value = opts.taskType as string | undefined;
  if (value === undefined) throw new UsageError(`--task-type is required: one of ${TASK_TYPES.join(', ')}.`);
  // Upper-cased for the user's convenience: IICS's own examples write "Workflow".
  const upper = value.toUpperCase();
  if (!isTaskType(upper)) throw new UsageError(`--task-type must be one of ${TASK_TYPES.join(', ')} (got "${value}").`);
  return upper;
}
