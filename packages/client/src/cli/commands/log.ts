import { defineCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { addCommonOptions, commonArgs, singleValue, taskType, UsageError, type CommonArgs } from '../flags.js';
import { runLog, type RunSelector } from '../log-command.js';
import { runReport } from '../report-command.js';
import { exitCodeForState } from '../exit-codes.js';
import type { Command, OptionValues } from 'commander';

export interface LogArgs extends CommonArgs {
  command: 'log';
  run: RunSelector;
}

export interface ReportArgs extends CommonArgs {
  command: 'report';
  run: RunSelector;
  lines?: number;
}

const RUN_USAGE = '(--task-id I --run-id R | --task-name N | --path P)';

function addRunOptions(cmd: Command): void {
  cmd.addOption(singleValue('--task-id <id>', 'the v2 task id ("run" printed it), with --run-id'));
  cmd.addOption(singleValue('--run-id <n>', 'the run id'));
  cmd.addOption(singleValue('--task-name <name>', 'or: the newest ended run of this task (in the last 1000 activity log entries)'));
  cmd.addOption(singleValue('--path <path>', 'or: the same, by path (matched by its last part, the task name)'));
  cmd.addOption(singleValue('--task-type <type>', 'with --task-name or --path: only runs of this type'));
}

/** A run by --task-id and --run-id, or the newest ended run of --task-name / --path. */
function runSelector(command: string, opts: OptionValues): RunSelector {
  const taskId = opts.taskId as string | undefined;
  const runIdText = opts.runId as string | undefined;
  const named = (['taskName', 'path'] as const).filter((key) => opts[key] !== undefined);
  const flag = (key: string): string => (key === 'taskName' ? '--task-name' : '--path');
  if (taskId !== undefined || runIdText !== undefined) {
    if (named.length > 0) throw new UsageError(`Name the run by --task-id and --run-id, or the task by ${flag(named[0]!)} (its newest run), not both.`);
    if (opts.taskType !== undefined) throw new UsageError('--task-type goes with --task-name or --path; --task-id and --run-id name the run already.');
    if (!taskId) throw new UsageError(`${command} needs --task-id with --run-id.`);
    if (runIdText === undefined) throw new UsageError(`${command} needs --run-id with --task-id (or --task-name for the newest run).`);
    if (!/^\d+$/.test(runIdText) || !Number.isSafeInteger(Number(runIdText))) throw new UsageError(`--run-id must be a whole number (got "${runIdText}").`);
    return { taskId, runId: Number(runIdText) };
  }
  if (named.length !== 1) throw new UsageError(`${command} needs --task-id and --run-id, or one of --task-name or --path (its newest run).`);
  const value = opts[named[0]!] as string;
  if (value.trim() === '') throw new UsageError(`${flag(named[0]!)} needs a value.`);
  const type = opts.taskType === undefined ? {} : { taskType: taskType(opts) };
  return named[0] === 'path' ? { path: value, ...type } : { taskName: value, ...type };
}

export const logCommand = defineCommand<LogArgs>({
  name: 'log',
  summary: 'print the session log of a run',
  usage: `${RUN_USAGE} [options]`,
  define(cmd) {
    cmd.description(
      'Prints the session log of an ended run on stdout as it arrives (a zip answer is unpacked). For a linear taskflow, the log of each of its tasks, each under a "==> name run N: file <==" line. Exits 5 when the run has no log (not ended, or no such run).',
    );
    addRunOptions(cmd);
    addCommonOptions(cmd);
  },
  parse(opts) {
    if (opts.json === true) throw new UsageError('log prints the log itself; --json is for report.');
    return { command: 'log', run: runSelector('log', opts), ...commonArgs(opts) };
  },
  async execute(args, ctx) {
    await runLog(ctx.client(), { run: args.run, ...(ctx.signal ? { signal: ctx.signal } : {}) }, ctx.stdout);
    return EXIT.SUCCESS;
  },
});

export const reportCommand = defineCommand<ReportArgs>({
  name: 'report',
  summary: "why a run failed: its error, rows per transformation, the log's last lines",
  usage: `${RUN_USAGE} [--lines N] [options]`,
  define(cmd) {
    cmd.description(
      'Why a run failed: its state, error message, the rows of each transformation, and the last lines of its session log (of each task, for a linear taskflow). Text unless --json. Exits like "status": 0/1/3 for an ended run, 6 while it runs.',
    );
    addRunOptions(cmd);
    cmd.addOption(singleValue('--lines <n>', 'log lines to show from the end (default 20; 0: none)'));
    addCommonOptions(cmd);
  },
  parse(opts) {
    const linesText = opts.lines as string | undefined;
    if (linesText !== undefined && (!/^\d+$/.test(linesText) || Number(linesText) > 10_000)) {
      throw new UsageError(`--lines must be a whole number from 0 to 10000 (got "${linesText}").`);
    }
    return { command: 'report', run: runSelector('report', opts), ...(linesText !== undefined ? { lines: Number(linesText) } : {}), ...commonArgs(opts) };
  },
  async execute(args, ctx) {
    const report = await runReport(
      ctx.client(),
      { run: args.run, json: args.json, ...(args.lines !== undefined ? { lines: args.lines } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) },
      ctx.stdout,
    );
    return exitCodeForState(report.state, report.terminal);
  },
});
