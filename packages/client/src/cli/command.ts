import type { Command, OptionValues } from 'commander';
import type { IicsClient } from '../client.js';
import type { ExitCode } from './exit-codes.js';
import type { CommonArgs } from './flags.js';
import type { CliStream, Reporter } from './output.js';

/** What a command's options parse into: plain data, so tests can check it and `execute` needs nothing else. */
export interface CommandArgs extends Partial<CommonArgs> {
  command: string;
}

/** Where an error happened, for its exit code (see exitCodeForError). */
export type Phase = 'start' | 'wait' | 'other';

export interface CliContext {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly reporter: Reporter;
  /** Aborted by Ctrl-C or SIGTERM. */
  readonly signal: AbortSignal | undefined;
  /** The client, made from the environment on first use: a command that needs no IICS needs no credentials. */
  client(): IicsClient;
  phase: Phase;
}

/**
 * One `iics-job` command, in its own file under commands/: its options (`define`), their checks
 * (`parse`, throwing UsageError), and what it does (`execute`, returning the exit code).
 */
export interface CommandSpec<A extends CommandArgs> {
  name: string;
  /** One line, for the command list. */
  summary: string;
  /** What follows `iics-job <name>` in the usage lines. */
  usage: string;
  define(cmd: Command): void;
  parse(opts: OptionValues, cmd: Command): A;
  execute(args: A, ctx: CliContext): Promise<ExitCode>;
}

export interface Invocation {
  args: CommandArgs;
  execute(ctx: CliContext): Promise<ExitCode>;
}

/** A command without its argument type, so that a list can hold them all. */
export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  attach(program: Command, found: (invocation: Invocation) => void): void;
}

export function defineCommand<A extends CommandArgs>(spec: CommandSpec<A>): CliCommand {
  return {
    name: spec.name,
    usage: spec.usage,
    attach(program, found) {
      const cmd = program.command(spec.name).summary(spec.summary).usage(spec.usage);
      spec.define(cmd);
      cmd.action(function (this: Command) {
        const args = spec.parse(this.opts(), this);
        found({ args, execute: (ctx) => spec.execute(args, ctx) });
      });
    },
  };
}
