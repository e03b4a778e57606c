import type { TaskTypeName } from '@iics-jobs/schema';
import { IicsWaitTimeoutError } from '../../errors.js';
import type { TaskSelector } from '../../jobs.js';
import { MAX_WAIT_MS } from '../../wait.js';
import { defineCommand } from '../command.js';
import { EXIT, exitCodeForState } from '../exit-codes.js';
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
}

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
    const wait = opts.wait !== false;
    if (!wait && (pollIntervalMs !== undefined || timeoutMs !== undefined)) {
      throw new UsageError('--no-wait does not wait: drop --poll-interval and --timeout.');
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
      ...commonArgs(opts),
    };
  },
  async execute(args, ctx) {
    const client = ctx.client();
    const { reporter, signal } = ctx;
    ctx.phase = 'start';
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
        reporter.stillRunning(error.taskId, error.runId, error.lastStatus, EXIT.STILL_RUNNING);
        return EXIT.STILL_RUNNING;
      }
      throw error;
    }
  },
});
