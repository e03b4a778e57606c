import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MAX_TIMEOUT_MS } from '../options.js';
import { MAX_WAIT_MS } from '../wait.js';
import { durationFlag } from './duration.js';

/** `iics-job … --task-type TASKFLOW` (and `resume`): advanced taskflows, as a plain object any parser can fill. */
export type TaskflowCommand =
  | {
      action: 'run';
      apiName: string;
      input: Record<string, string>;
      instanceName?: string;
      wait: boolean;
      pollIntervalMs?: number;
      timeoutMs?: number;
    }
  | { action: 'status'; runId: string }
  | { action: 'stop'; runIds: string[] }
  | { action: 'resume'; runId: string; skipFault: boolean };

export interface TaskflowCli {
  taskflow: TaskflowCommand;
  json: boolean;
  verbose: boolean;
  requestTimeoutMs?: number;
}

/** A usage mistake in a taskflow command (exit 64). */
export class TaskflowUsageError extends Error {
  override readonly name = 'TaskflowUsageError';
}

/** Whether `run`, `status` or `stop` is meant for an advanced taskflow: `--task-type TASKFLOW` or `--api-name`. */
export function isTaskflowCommand(command: string | undefined, argv: readonly string[]): boolean {
  if (command === 'resume') return true;
  if (command !== 'run' && command !== 'status' && command !== 'stop') return false;
  return argv.some((arg, i) => /^--task-type=taskflow$/i.test(arg) || (arg === '--task-type' && /^taskflow$/i.test(argv[i + 1] ?? '')) || arg === '--api-name' || arg.startsWith('--api-name='));
}

const RUN_ID = /^[0-9]{1,20}$/;

export function parseTaskflowCommand(command: 'run' | 'status' | 'stop' | 'resume', argv: readonly string[]): TaskflowCli | 'help' {
  const options: NonNullable<ParseArgsConfig['options']> = {
    'task-type': { type: 'string' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
    'request-timeout': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...(command === 'run'
      ? {
          'api-name': { type: 'string' },
          input: { type: 'string', multiple: true },
          'instance-name': { type: 'string' },
          'no-wait': { type: 'boolean' },
          'poll-interval': { type: 'string' },
          timeout: { type: 'string' },
        }
      : { 'run-id': { type: 'string', multiple: command === 'stop' } }),
    ...(command === 'resume' ? { 'skip-fault': { type: 'boolean' } } : {}),
  };
  const jobFlag = argv.find((arg) => /^--(task-name|task-id|federated-id|path)(=|$)/.test(arg));
  if (jobFlag) throw new TaskflowUsageError(`--task-type TASKFLOW names the taskflow with --api-name (not ${jobFlag.split('=')[0]}).`);
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    if (parsed.positionals.length > 0) throw new TaskflowUsageError(`Unexpected argument "${parsed.positionals[0]}".`);
    values = parsed.values as typeof values;
  } catch (error) {
    if (error instanceof TaskflowUsageError) throw error;
    throw new TaskflowUsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (values.help) return 'help';
  const type = values['task-type'];
  if (type !== undefined && String(type).toUpperCase() !== 'TASKFLOW') {
    throw new TaskflowUsageError(`--api-name and resume are for --task-type TASKFLOW (got "${String(type)}").`);
  }
  const requestTimeoutMs = duration(values['request-timeout'], '--request-timeout', MAX_TIMEOUT_MS);
  const common = { json: values.json === true, verbose: values.verbose === true, ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}) };

  if (command === 'run') {
    const apiName = values['api-name'];
    if (typeof apiName !== 'string' || apiName === '') throw new TaskflowUsageError('--task-type TASKFLOW needs --api-name NAME: the API name of the published taskflow.');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(apiName)) throw new TaskflowUsageError(`--api-name must be 1 to 80 letters, digits, "_" or "-" (got "${apiName}").`);
    const input: Record<string, string> = {};
    for (const pair of (values.input as string[] | undefined) ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new TaskflowUsageError(`--input takes key=value (got "${pair}").`);
      const key = pair.slice(0, eq);
      if (key in input) throw new TaskflowUsageError(`--input ${key} is given twice.`);
      input[key] = pair.slice(eq + 1);
    }
    const instanceName = values['instance-name'];
    if (instanceName === '') throw new TaskflowUsageError('--instance-name needs a value.');
    const wait = values['no-wait'] !== true;
    const pollIntervalMs = duration(values['poll-interval'], '--poll-interval', MAX_WAIT_MS);
    const timeoutMs = duration(values.timeout, '--timeout', MAX_WAIT_MS);
    if (!wait && (pollIntervalMs !== undefined || timeoutMs !== undefined)) throw new TaskflowUsageError('--no-wait does not wait: drop --poll-interval and --timeout.');
    return {
      taskflow: {
        action: 'run',
        apiName,
        input,
        wait,
        ...(typeof instanceName === 'string' ? { instanceName } : {}),
        ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      },
      ...common,
    };
  }
  const given = values['run-id'];
  const runIds = (Array.isArray(given) ? given : given === undefined ? [] : [given]) as string[];
  if (runIds.length === 0) throw new TaskflowUsageError(`${command} needs --run-id (the taskflow run id that "run" printed).`);
  for (const id of runIds) if (!RUN_ID.test(id)) throw new TaskflowUsageError(`--run-id must be the digits of a taskflow run id (got "${id}").`);
  if (command === 'stop') return { taskflow: { action: 'stop', runIds }, ...common };
  if (command === 'status') return { taskflow: { action: 'status', runId: runIds[0]! }, ...common };
  return { taskflow: { action: 'resume', runId: runIds[0]!, skipFault: values['skip-fault'] === true }, ...common };
}

function duration(value: unknown, flag: string, maxMs: number): number | undefined {
  return durationFlag(value, flag, maxMs, (message) => new TaskflowUsageError(message));
}

export const TASKFLOW_HELP = `Usage: iics-job run --task-type TASKFLOW --api-name NAME [--input key=value ...] [--instance-name X] [options]
       iics-job status --task-type TASKFLOW --run-id R
       iics-job stop --task-type TASKFLOW --run-id R [--run-id R2 ...]
       iics-job resume --run-id R [--skip-fault]

Advanced taskflows published as APIs (/active-bpel on the POD host). They send no callbacks: "run" polls.

  --api-name NAME          the taskflow's API name (its service URL ends in /active-bpel/rt/NAME)
  --input key=value        an input field, sent in the JSON body; repeat for more
  --instance-name X        a custom instance name (shown as <taskflow>-X-<run id>)
  --no-wait                exit 2 right after the start
  --poll-interval DUR      time between polls (default 10s)
  --timeout DUR            stop waiting after DUR and exit 6
  --run-id R               the run id (digits) that "run" printed
  --skip-fault             resume: skip the faulted step instead of running it again

Exit codes: 0 SUCCESS, 3 FAILED, STOPPED or SUSPENDED (the message names the resume command),
2 not waited, 4 a request timed out, 5 error, 6 still running, 7 the start was rejected, 64 usage.
`;
