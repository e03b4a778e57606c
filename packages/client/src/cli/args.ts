import { Command, CommanderError } from 'commander';
import { CLIENT_VERSION } from '../options.js';
import type { CommandArgs, Invocation } from './command.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { UsageError } from './flags.js';
import { ENV_HELP, EXITS_HELP } from './help.js';

export { UsageError, type CommonArgs } from './flags.js';

/** What the command line asks for: text to print (help, version) or a command to run. */
export type ParsedCommandLine =
  | { kind: 'print'; text: string; to: 'stdout' | 'stderr'; code: ExitCode }
  | { kind: 'command'; invocation: Invocation };

/** The usage lines of every command, printed after a usage error. */
export function shortUsage(): string {
  const lines = COMMANDS.map((c, i) => `${i === 0 ? 'Usage:' : '      '} iics-job ${c.name.padEnd(10)} ${c.usage}`);
  return `${lines.join('\n')}\nRun "iics-job <command> --help" for details.\n`;
}

/**
 * Parses `argv` (without node and the script) with commander. Usage mistakes throw UsageError with
 * a message that names the flag; commander's own messages are reworded to match ours.
 */
export function parseArguments(argv: readonly string[]): ParsedCommandLine {
  let out = '';
  let err = '';
  let found: Invocation | undefined;
  const program = new Command('iics-job')
    .description('Start, watch and stop Informatica Intelligent Cloud Services (IICS) jobs.')
    .usage('<command> [options]')
    .version(CLIENT_VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s), outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText('afterAll', `\n${ENV_HELP}\n\n${EXITS_HELP}`)
    .addHelpText(
      'after',
      '\nFile ingestion (its own parser, see file-ingestion-args.ts):\n' +
        '  logs      download the log files of a file ingestion job (MI_TASK)\n' +
        '  File ingestion and replication tasks: "iics-job run --task-type MI_TASK --help".\n' +
        '\nRun "iics-job <command> --help" for a command\'s options.',
    );
  // Settings above are copied into each command as it is added, so they come first.
  for (const command of COMMANDS) command.attach(program, (invocation) => (found = invocation));
  try {
    program.parse(argv as string[], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    switch (error.code) {
      case 'commander.version':
      case 'commander.helpDisplayed':
        return { kind: 'print', text: out, to: 'stdout', code: EXIT.SUCCESS };
      case 'commander.help':
        // `iics-job` alone writes its help as an error (a script that forgot the command must not pass).
        return err ? { kind: 'print', text: err, to: 'stderr', code: EXIT.USAGE } : { kind: 'print', text: out, to: 'stdout', code: EXIT.SUCCESS };
      default:
        throw new UsageError(reword(error, program));
    }
  }
  if (!found) throw new UsageError('No command given.');
  return { kind: 'command', invocation: found };
}

/** The parsed arguments alone, for tests: help and version are `{ command: 'help' | 'version' }`. */
export function parseCommandLine(argv: readonly string[]): CommandArgs {
  const parsed = parseArguments(argv);
  if (parsed.kind === 'command') return parsed.invocation.args;
  return { command: /^\d/.test(parsed.text) ? 'version' : 'help' };
}

function reword(error: CommanderError, program: Command): string {
  const suggestion = /\(Did you mean (.+)\?\)/.exec(error.message)?.[1];
  const hint = suggestion ? ` Did you mean ${suggestion}?` : '';
  if (error.code === 'commander.unknownCommand') {
    const names = COMMANDS.map((c) => c.name);
    return `Unknown command "${program.args[0]}"; the commands are ${names.slice(0, -1).join(', ')} and ${names.at(-1)}.${hint}`;
  }
  if (error.code === 'commander.excessArguments') {
    const name = /for '([^']+)'/.exec(error.message)?.[1];
    const extra = program.commands.find((c) => c.name() === name)?.args[0];
    if (extra !== undefined) return `Unexpected argument "${extra}".`;
  }
  // "--password=hunter2" is echoed by commander as it was typed: the value never is.
  const first = error.message
    .split('\n')[0]!
    .replace(/^error: /, '')
    .replace(/'(--?[^=' ]+)=[^']*'/g, "'$1=…'");
  const text = `${first.charAt(0).toUpperCase()}${first.slice(1)}`;
  if (error.code === 'commander.unknownOption' && /^'--pass/.test(first.replace(/^unknown option /, ''))) {
    return `${text}: there is no password option; set IICS_PASSWORD in the environment.`;
  }
  return `${text}${hint ? `.${hint}` : ''}`;
}
