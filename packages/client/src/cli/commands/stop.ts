import type { TaskTypeName } from '@iics-jobs/schema';
import type { TaskSelector } from '../../jobs.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { addCommonOptions, addTaskOptions, commonArgs, selector, SELECTOR_USAGE, taskType, type CommonArgs } from '../flags.js';

export interface StopArgs extends CommonArgs {
  command: 'stop';
  task: TaskSelector;
  taskType: TaskTypeName;
  cleanStop: boolean;
}

export const stopCommand = defineCommand<StopArgs>({
  name: 'stop',
  summary: 'stop a running task',
  usage: `${SELECTOR_USAGE} [--clean] [options]`,
  define(cmd) {
    cmd.description('Stops the running task (IICS stops a task, not one run).');
    addTaskOptions(cmd);
    cmd.option('--clean', 'clean stop (?cleanStop=true)');
    addCommonOptions(cmd);
  },
  parse(opts) {
    return { command: 'stop', task: selector(opts), taskType: taskType(opts), cleanStop: opts.clean === true, ...commonArgs(opts) };
  },
  async execute(args, ctx) {
    const answer = await ctx.client().jobs.stop(
      { ...args.task, taskType: args.taskType, cleanStop: args.cleanStop },
      ctx.signal ? { signal: ctx.signal } : {},
    );
    ctx.reporter.stopped(answer.description, args.cleanStop, EXIT.SUCCESS);
    return EXIT.SUCCESS;
  },
});
