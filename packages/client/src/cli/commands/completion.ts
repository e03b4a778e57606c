import { Argument, type Command, type Option } from 'commander';
import { defineCommand, type CommandArgs } from '../command.js';
import { EXIT } from '../exit-codes.js';

const SHELLS = ['bash', 'zsh'] as const;
type Shell = (typeof SHELLS)[number];

export interface CompletionArgs extends CommandArgs {
  command: 'completion';
  shell: Shell;
  script: string;
}

export const completionCommand = defineCommand<CompletionArgs>({
  name: 'completion',
  summary: 'print a shell completion script (bash or zsh)',
  usage: 'bash|zsh',
  define(cmd) {
    cmd
      .description('Prints a completion script for iics-job.\n\n  bash: source <(iics-job completion bash)      (e.g. in ~/.bashrc)\n  zsh:  source <(iics-job completion zsh)       (in ~/.zshrc, after compinit)')
      .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS));
  },
  parse(_opts, cmd) {
    const shell = cmd.processedArgs[0] as Shell;
    // Read from the parsed program, so that every command and flag added later is offered too.
    const program = cmd.parent!;
    return { command: 'completion', shell, script: shell === 'bash' ? bashScript(program) : zshScript(program) };
  },
  async execute(args, ctx) {
    ctx.stdout.write(args.script);
    return EXIT.SUCCESS;
  },
});

interface Flag {
  names: string[];
  takesValue: boolean;
  values: readonly string[];
  description: string;
}

function flagsOf(cmd: Command): Flag[] {
  const flags = cmd.options.filter((o) => !o.hidden).map((o: Option) => ({
    names: [o.short, o.long].filter((n): n is string => n !== undefined),
    takesValue: o.required || o.optional,
    values: o.argChoices ?? [],
    description: o.description,
  }));
  return [...flags, { names: ['-h', '--help'], takesValue: false, values: [], description: 'show help' }];
}

function commandsOf(program: Command): Command[] {
  return program.commands.filter((c) => c.name() !== 'help');
}

function bashScript(program: Command): string {
  const name = program.name();
  const commands = commandsOf(program);
  const fn = `_${name.replace(/\W/g, '_')}`;
  const cases = commands.map((cmd) => {
    const flags = flagsOf(cmd);
    const withValues = flags.filter((f) => f.takesValue && f.values.length > 0);
    const free = flags.filter((f) => f.takesValue && f.values.length === 0).flatMap((f) => f.names);
    const positional = cmd.registeredArguments[0]?.argChoices ?? [];
    const lines = [`    ${cmd.name()})`, '      case "$prev" in'];
    for (const f of withValues) lines.push(`        ${f.names.join('|')}) words='${f.values.join(' ')}' ;;`);
    // A value of the user's own (a name, an id, a duration): nothing to offer.
    if (free.length > 0) lines.push(`        ${free.join('|')}) return 0 ;;`);
    const rest = [...(positional.length > 0 ? positional : []), ...flags.flatMap((f) => f.names.filter((n) => n.startsWith('--')))];
    lines.push(`        *) words='${rest.join(' ')}' ;;`, '      esac ;;');
    return lines.join('\n');
  });
  const names = commands.map((c) => c.name()).join(' ');
  return `# bash completion for ${name}. Load it with: source <(${name} completion bash)
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} words=''
  if (( COMP_CWORD == 1 )); then
    words='${names} help --help --version'
  else
    case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
    help) (( COMP_CWORD == 2 )) && words='${names}' ;;
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F ${fn} ${name}
`;
}

/** A zsh single-quoted word. */
function q(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Brackets and colons would end a zsh description early. */
function describe(text: string): string {
  return text.replace(/\[/g, '(').replace(/\]/g, ')').replace(/:/g, ' -').replace(/\s+/g, ' ').trim();
}

function zshScript(program: Command): string {
  const name = program.name();
  const commands = commandsOf(program);
  const fn = `_${name.replace(/\W/g, '_')}`;
  const list = commands.map((c) => `    ${q(`${c.name()}:${describe(c.summary())}`)}`).join('\n');
  const cases = commands.map((cmd) => {
    const specs = flagsOf(cmd).map((f) => {
      const names = f.names.length > 1 ? `{${f.names.join(',')}}` : f.names[0]!;
      const exclusive = f.names.length > 1 ? `'(${f.names.join(' ')})'` : '';
      const value = f.takesValue ? (f.values.length > 0 ? `:value:(${f.values.join(' ')})` : ':value: ') : '';
      return `${exclusive}${names}${q(`[${describe(f.description)}]${value}`)}`;
    });
    cmd.registeredArguments.forEach((arg, i) => {
      specs.push(q(`${i + 1}:${arg.name()}:${arg.argChoices ? `(${arg.argChoices.join(' ')})` : ' '}`));
    });
    return `        ${cmd.name()}) _arguments -s \\\n          ${specs.join(' \\\n          ')} ;;`;
  });
  return `#compdef ${name}
# zsh completion for ${name}. Load it with: source <(${name} completion zsh)   (after compinit)
${fn}() {
  local curcontext=$curcontext state line
  local -a commands
  commands=(
${list}
  )
  _arguments -C '(- *)'{-h,--help}'[show help]' '(- *)'{-v,--version}'[print the version]' '1: :->command' '*:: :->args' && return
  case $state in
    command) _describe -t commands ${q(`${name} command`)} commands ;;
    args)
      case $words[1] in
${cases.join('\n')}
        help) _describe -t commands ${q(`${name} command`)} commands ;;
      esac ;;
  esac
}
compdef ${fn} ${name}
`;
}
