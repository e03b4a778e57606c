import { parseArgs } from 'node:util';
import type { FileIngestionTaskSelector } from '../ingestion/types.js';
import { MAX_TIMEOUT_MS } from '../options.js';
import { MAX_WAIT_MS } from '../wait.js';
import { UsageError } from './args.js';
import { durationFlag } from './duration.js';

/** What `iics-job run|status|logs --task-type MI_TASK` was asked to do: a plain object, whichever parser produced it. */
export type FileIngestionCommand =
  | { command: 'help'; text: string }
  | ({
      command: 'run';
      task: FileIngestionTaskSelector;
      /** "Category.id" → value, in the order given. */
      parameters: Record<string, Record<string, string>>;
      variables: Record<string, string>;
      wait: boolean;
      pollIntervalMs?: number;
      timeoutMs?: number;
    } & IngestionCommon)
  | ({ command: 'status'; runId: string } & IngestionCommon)
  | ({ command: 'logs'; runId: string; output?: string } & IngestionCommon);

export interface IngestionCommon {
  json: boolean;
  verbose: boolean;
  requestTimeoutMs?: number;
}

export const FILE_INGESTION_HELP = `Usage: iics-job run --task-type MI_TASK (--task-id ID | --path PATH | --task-name NAME) [options]
       iics-job status --task-type MI_TASK --run-id RUN_ID
       iics-job logs --run-id RUN_ID [--output FILE]

File ingestion and replication tasks (/mftsaas). Run ids are kept as text.

  --task-id ID             the task's id (from mitasks, or v3 lookup with type MI_TASK)
  --path PATH              the task's path, e.g. "Sales/Ingest/MI_Orders" (v3 lookup)
  --task-name NAME         the task's name (found in the mitasks list)
  --param CAT.ID=VALUE     override a task property, e.g. --param Source.filePattern='*.csv'
                           (categories General, Source, Target; repeatable; sent as text)
  --var NAME=VALUE         a value for the \${NAME} variable of the parameters (repeatable)
  --no-wait                exit 2 right after the start
  --poll-interval DUR      time between polls (default 10s)
  --timeout DUR            stop waiting after DUR and exit 6 (the job goes on)
  --output FILE            logs: write the bytes to FILE instead of stdout
  --json                   JSON lines on stdout (the default when stdout is not a terminal)
  --request-timeout DUR    timeout of one request to IICS (default 60s)
  --verbose                log requests, retries and re-logins to stderr

Exit codes as RunAJob: 0 SUCCESS, 2 not waited, 3 FAILED, 4 request timeout, 5 error,
6 still running, 7 start rejected (unknown task), 64 usage error.
`;

/** Whether `argv` is a file ingestion command: `--task-type MI_TASK` (any case), or `logs`. */
export function isFileIngestionCommand(argv: readonly string[]): boolean {
  if (argv[0] === 'logs') return true;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    const value = a === '--task-type' ? argv[i + 1] : a.startsWith('--task-type=') ? a.slice('--task-type='.length) : undefined;
    if (value?.toUpperCase() === 'MI_TASK') return true;
  }
  return false;
}

export function parseFileIngestionCommand(argv: readonly string[]): FileIngestionCommand {
  const [command, ...rest] = argv;
  if (command !== 'run' && command !== 'status' && command !== 'logs') {
    throw new UsageError(`--task-type MI_TASK works with run, status and logs, not "${command}".`);
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    const parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        'task-type': { type: 'string' },
        'task-id': { type: 'string' },
        path: { type: 'string' },
        'task-name': { type: 'string' },
        'run-id': { type: 'string' },
        param: { type: 'string', multiple: true },
        var: { type: 'string', multiple: true },
        'no-wait': { type: 'boolean' },
        'poll-interval': { type: 'string' },
        timeout: { type: 'string' },
        output: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        'request-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    values = parsed.values as typeof values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (values.help) return { command: 'help', text: FILE_INGESTION_HELP };
  const taskType = values['task-type'];
  if (typeof taskType === 'string' && taskType.toUpperCase() !== 'MI_TASK') throw new UsageError(`logs is for file ingestion jobs: --task-type must be MI_TASK (got "${taskType}").`);
  const only = (allowed: string[]): void => {
    const extra = Object.keys(values).find((k) => values[k] !== undefined && !allowed.includes(k) && !COMMON_FLAGS.includes(k));
    if (extra) throw new UsageError(`--${extra} does not go with ${command}${command === 'logs' ? '' : ' --task-type MI_TASK'}.`);
  };
  const common = commonArgs(values);

  if (command === 'run') {
    only(['task-id', 'path', 'task-name', 'param', 'var', 'no-wait', 'poll-interval', 'timeout']);
    const pollIntervalMs = duration(values['poll-interval'], '--poll-interval', MAX_WAIT_MS);
    const timeoutMs = duration(values.timeout, '--timeout', MAX_WAIT_MS);
    const wait = values['no-wait'] !== true;
    if (!wait && (pollIntervalMs !== undefined || timeoutMs !== undefined)) throw new UsageError('--no-wait does not wait: drop --poll-interval and --timeout.');
    return {
      command,
      task: selector(values),
      parameters: params(values.param as string[] | undefined),
      variables: vars(values.var as string[] | undefined),
      wait,
      ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...common,
    };
  }
  only(command === 'logs' ? ['run-id', 'output'] : ['run-id']);
  const runId = values['run-id'];
  if (typeof runId !== 'string' || runId.trim() === '') throw new UsageError(`${command} needs --run-id (the run id that "run" printed).`);
  if (command === 'status') return { command, runId, ...common };
  const output = values.output;
  if (output === '') throw new UsageError('--output needs a file name.');
  return { command, runId, ...(typeof output === 'string' ? { output } : {}), ...common };
}

const COMMON_FLAGS = ['task-type', 'json', 'verbose', 'request-timeout', 'help'];

function selector(values: Record<string, unknown>): FileIngestionTaskSelector {
  const given = (['task-id', 'path', 'task-name'] as const).filter((flag) => values[flag] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(given.length === 0 ? 'Name the task with one of --task-id, --path or --task-name.' : 'Name the task one way only (one of --task-id, --path, --task-name).');
  }
  const flag = given[0]!;
  const value = values[flag] as string;
  if (value.trim() === '') throw new UsageError(`--${flag} needs a value.`);
  const key = { 'task-id': 'taskId', path: 'path', 'task-name': 'taskName' }[flag];
  return { [key]: value } as unknown as FileIngestionTaskSelector;
}

/** `Source.filePattern=*.csv` → { Source: { filePattern: '*.csv' } }; the client checks the category and id. */
function params(list: string[] | undefined): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const item of list ?? []) {
    const m = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(item);
    if (!m) throw new UsageError(`--param must be CATEGORY.ID=VALUE, e.g. Source.filePattern='*.csv' (got "${item}").`);
    (out[m[1]!] ??= {})[m[2]!] = m[3]!;
  }
  return out;
}

function vars(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq < 1) throw new UsageError(`--var must be NAME=VALUE, e.g. Parentfolder=root (got "${item}").`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function duration(value: unknown, flag: string, maxMs: number): number | undefined {
  return durationFlag(value, flag, maxMs, (message) => new UsageError(message));
}

function commonArgs(values: Record<string, unknown>): IngestionCommon {
  const requestTimeoutMs = duration(values['request-timeout'], '--request-timeout', MAX_TIMEOUT_MS);
  return { json: values.json === true, verbose: values.verbose === true, ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}) };
}
