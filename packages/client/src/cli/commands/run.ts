import type { TaskTypeName } from '@iics-jobs/schema';
import { IicsAbortedError, IicsWaitTimeoutError } from '../../errors.js';
import type { StartedJob, TaskSelector } from '../../jobs.js';
import type { JobStatus } from '../../status.js';
import { DEFAULT_TIMEOUTS } from '../../options.js';
import { MAX_WAIT_MS } from '../../wait.js';
import { defineCommand, type CliContext } from '../command.js';
import { EXIT, exitCodeForState, type ExitCode } from '../exit-codes.js';
import {
  addCommonOptions,
  addTaskOptions,
  commonArgs,
  DURATION_FORMS,
  durationValue,
  selector,
  SELECTOR_USAGE,
  singleValue,
  taskType,
  UsageError,
  type CommonArgs,
} from '../flags.js';

export interface RunArgs extends CommonArgs {
  command: 'run';
  task: TaskSelector;
  taskType: TaskTypeName;
  callbackURL?: string;
  parameterFile?: { name: string; dir: string };
  wait: boolean;
  pollIntervalMs?: number;
  timeoutMs?: number;
  /** JSON mode: a heartbeat line when nothing was printed for this long (default 60 s). */
  heartbeatMs?: number;
  /** On Ctrl-C or SIGTERM while waiting, stop the job (clean stop) before exiting 130. */
  stopOnInterrupt?: true;
}

const DEFAULT_HEARTBEAT_MS = 60_000;

export const runCommand = defineCommand<RunArgs>({
  name: 'run',
  summary: 'start a task or linear taskflow and wait for its end',
  usage: `${SELECTOR_USAGE} [--no-wait] [--timeout DUR] [options]`,
  define(cmd) {
    cmd.description('Starts the task and, unless --no-wait, polls until it ends.');
    addTaskOptions(cmd);
    cmd.addOption(singleValue('--callback-url <url>', 'IICS posts the job\'s end to this URL'));
    cmd.addOption(singleValue('--param-file-name <name>', 'parameter file on the Secure Agent (with --param-file-dir)'));
    cmd.addOption(singleValue('--param-file-dir <dir>', 'the parameter file\'s directory'));
    cmd.option('--no-wait', 'exit 2 right after the start');
    cmd.addOption(singleValue('--poll-interval <duration>', 'time between polls (default 10s)', durationValue(MAX_WAIT_MS)));
    cmd.addOption(singleValue('--timeout <duration>', 'stop waiting after this long and exit 6 (default: wait for the end)', durationValue(MAX_WAIT_MS)));
    cmd.addOption(singleValue('--heartbeat <duration>', 'JSON mode: a heartbeat line at least this often while waiting (default 60s)', durationValue(MAX_WAIT_MS)));
    cmd.option('--stop-on-interrupt', 'on Ctrl-C or SIGTERM, stop the job (clean stop) before exiting 130');
    addCommonOptions(cmd);
    cmd.addHelpText('after', `\nDurations: ${DURATION_FORMS}.`);
  },
  parse(opts) {
    const name = opts.paramFileName as string | undefined;
    const dir = opts.paramFileDir as string | undefined;
    if ((name === undefined) !== (dir === undefined)) throw new UsageError('--param-file-name and --param-file-dir go together.');
    const callbackURL = opts.callbackUrl as string | undefined;
    const pollIntervalMs = opts.pollInterval as number | undefined;
    const timeoutMs = opts.timeout as number | undefined;
    const heartbeatMs = opts.heartbeat as number | undefined;
    const wait = opts.wait !== false;
    if (!wait && (pollIntervalMs !== undefined || timeoutMs !== undefined || heartbeatMs !== undefined || opts.stopOnInterrupt === true)) {
      throw new UsageError('--no-wait does not wait: drop --poll-interval, --timeout, --heartbeat and --stop-on-interrupt.');
    }
    return {
      command: 'run',
      task: selector(opts),
      taskType: taskType(opts),
      wait,
      ...(callbackURL !== undefined ? { callbackURL } : {}),
      ...(name !== undefined && dir !== undefined ? { parameterFile: { name, dir } } : {}),
      ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(heartbeatMs !== undefined ? { heartbeatMs } : {}),
      ...(opts.stopOnInterrupt === true ? { stopOnInterrupt: true as const } : {}),
      ...commonArgs(opts),
    };
  },
  async execute(args, ctx) {
    const client = ctx.client();
    const { reporter, signal } = ctx;
    ctx.phase = 'start';
    // Each step is said as it begins: a login host that never answers must not look like a hung job.
    reporter.step(`logging in to ${new URL(client.loginUrl).host} (${client.apiVersion})...`);
    await client.login(signal ? { signal } : {});
    if (args.task.path !== undefined) {
      reporter.step(`looking up ${args.task.path} (${args.taskType})...`);
      // Cached by the client: the start below resolves the path without asking again.
      await client.tasks.lookup({ path: args.task.path, type: args.taskType }, signal ? { signal } : {});
    }
    reporter.step(`starting ${describeTask(args.task)} (${args.taskType})...`);
    const started = await client.jobs.start(
      {
        ...args.task,
        taskType: args.taskType,
        ...(args.callbackURL !== undefined ? { callbackURL: args.callbackURL } : {}),
        ...(args.parameterFile ? { parameterFile: args.parameterFile } : {}),
      },
      signal ? { signal } : {},
    );
    reporter.started(started, args.wait);
    if (!args.wait) {
      reporter.notWaited(started, EXIT.NO_WAIT);
      return EXIT.NO_WAIT;
    }
    ctx.phase = 'wait';
    reporter.heartbeat(args.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    try {
      const final = await client.jobs.wait(
        { taskId: started.taskId, runId: started.runId },
        {
          ...(args.pollIntervalMs !== undefined ? { pollIntervalMs: args.pollIntervalMs } : {}),
          ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
          ...(signal ? { signal } : {}),
          onUpdate: (status) => reporter.update(status),
        },
      );
      const code = exitCodeForState(final.state, final.terminal);
      reporter.finished(final, code);
      return code;
    } catch (error) {
      if (error instanceof IicsWaitTimeoutError) {
        reporter.stillRunning(started.taskId, started.runId, error.lastStatus as JobStatus | undefined, EXIT.STILL_RUNNING);
        return EXIT.STILL_RUNNING;
      }
      if (error instanceof IicsAbortedError && signal?.aborted) return interrupted(started, args, ctx, error);
      throw error;
    }
  },
});

function describeTask(task: TaskSelector): string {
  if (task.taskName !== undefined) return task.taskName;
  if (task.path !== undefined) return task.path;
  if (task.taskId !== undefined) return `task ${task.taskId}`;
  return `task ${task.taskFederatedId}`;
}

/**
 * Ctrl-C or SIGTERM while waiting. Without --stop-on-interrupt the job goes on and the commands to
 * pick it up are printed; with it, the job is stopped cleanly first (its own timeout: the signal that
 * ended the wait is already aborted). Exit 130 either way.
 */
async function interrupted(job: StartedJob, args: RunArgs, ctx: CliContext, error: IicsAbortedError): Promise<ExitCode> {
  const { reporter } = ctx;
  reporter.error(error, EXIT.INTERRUPTED);
  if (!args.stopOnInterrupt) {
    reporter.interrupted(job);
    return EXIT.INTERRUPTED;
  }
  reporter.step(`stopping run ${job.runId} of ${job.taskName ?? job.taskId} (clean stop, --stop-on-interrupt)...`);
  try {
    const answer = await ctx
      .client()
      .jobs.stop(
        { taskId: job.taskId, taskType: args.taskType, cleanStop: true },
        { signal: AbortSignal.timeout(args.requestTimeoutMs ?? DEFAULT_TIMEOUTS.requestMs) },
      );
    reporter.stopped(answer.description, true, EXIT.INTERRUPTED);
  } catch (stopError) {
    reporter.error(stopError, EXIT.INTERRUPTED);
    reporter.interrupted(job);
  }
  return EXIT.INTERRUPTED;
}