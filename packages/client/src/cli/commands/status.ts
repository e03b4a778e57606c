import { defineCommand } from '../command.js';
import { exitCodeForState } from '../exit-codes.js';
import { MAX_WAIT_MS } from '../../wait.js';
import { addCommonOptions, commonArgs, durationValue, singleValue, UsageError, type CommonArgs } from '../flags.js';

export interface StatusArgs extends CommonArgs {
  command: 'status';
  taskId: string;
  runId: number;
  notFoundAfterMs: number;
}

/** A run just started can be missing from both lists for a moment; one missing for longer does not exist. */
const DEFAULT_NOT_FOUND_AFTER_MS = 30_000;

export const statusCommand = defineCommand<StatusArgs>({
  name: 'status',
  summary: 'show the state of one run',
  usage: '--task-id I --run-id R [options]',
  define(cmd) {
    cmd.description('Shows the state of one run; exits 0/1/3 for an ended run, 6 while it runs.');
    cmd.addOption(singleValue('--task-id <id>', 'the v2 task id that "run" printed'));
    cmd.addOption(singleValue('--run-id <n>', 'the run id that "run" printed'));
    cmd.addOption(
      singleValue('--not-found-after <duration>', 'a run in neither the monitor nor the log this long is not found: exit 5 (default 30s)', durationValue(MAX_WAIT_MS)),
    );
    addCommonOptions(cmd);
  },
  parse(opts) {
    const taskId = opts.taskId as string | undefined;
    if (!taskId) throw new UsageError('status needs --task-id (the v2 task id that "run" printed).');
    const runIdText = opts.runId as string | undefined;
    if (runIdText === undefined) throw new UsageError('status needs --run-id.');
    if (!/^\d+$/.test(runIdText) || !Number.isSafeInteger(Number(runIdText))) {
      throw new UsageError(`--run-id must be a whole number (got "${runIdText}").`);
    }
    const notFoundAfterMs = (opts.notFoundAfter as number | undefined) ?? DEFAULT_NOT_FOUND_AFTER_MS;
    return { command: 'status', taskId, runId: Number(runIdText), notFoundAfterMs, ...commonArgs(opts) };
  },
  async execute(args, ctx) {
    const status = await ctx
      .client()
      .jobs.status({ taskId: args.taskId, runId: args.runId }, { notFoundAfterMs: args.notFoundAfterMs, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    const code = exitCodeForState(status.state, status.terminal);
    ctx.reporter.status(status, code);
    return code;
  },
});
