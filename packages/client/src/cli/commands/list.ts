import type { TaskTypeName } from '@iics-jobs/schema';
import { listBatch } from '../batch.js';
import { defineCommand } from '../command.js';
import { addCommonOptions, commonArgs, repeatable, singleValue, taskType, UsageError, type CommonArgs } from '../flags.js';

export interface ListArgs extends CommonArgs {
  command: 'list';
  patterns: string[];
  taskType?: TaskTypeName;
}

export const listCommand = defineCommand<ListArgs>({
  name: 'list',
  summary: 'list the tasks a path pattern matches, without running them',
  usage: '--path PATTERN [--path PATTERN ...] [--task-type T] [options]',
  define(cmd) {
    cmd.description(
      'Lists the tasks the patterns match (path, type, federated id), without running them: * and ? within a\n' +
        "part of the path, ** across folders, e.g. --path 'Sales/**'. Without --task-type, the task types the job\n" +
        'resource runs. No match is an error naming the pattern (exit 5).',
    );
    cmd.addOption(repeatable('--path <pattern>', 'a path pattern (may be repeated)'));
    cmd.addOption(singleValue('--task-type <type>', 'only assets of this type'));
    addCommonOptions(cmd);
  },
  parse(opts) {
    const patterns = (opts.path as string[] | undefined) ?? [];
    if (patterns.length === 0) throw new UsageError('list needs --path PATTERN, e.g. --path "Sales/**" or --path "Sales/*/MT_Load_?".');
    if (patterns.some((p) => p.trim() === '')) throw new UsageError('--path needs a value.');
    return {
      command: 'list',
      patterns,
      ...(opts.taskType !== undefined ? { taskType: taskType(opts) } : {}),
      ...commonArgs(opts),
    };
  },
  execute(args, ctx) {
    return listBatch(ctx.client(), args.patterns, args.taskType, {
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      json: ctx.reporter.json,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  },
});
