import { execFile } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { ensureBuilt, envFor, runBin, BIN } from './helpers/cli.js';
import { fake } from './helpers/fake.js';
import { capture } from './helpers/streams.js';

// What a person typing `iics-job` by hand meets: mistakes named, the nearest flag suggested, nothing sent.

async function runAgainstFake(argv: string[]) {
  const server = await fake();
  const stdout = capture();
  const stderr = capture();
  const code = await main(argv, { env: envFor(server), stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text(), requests: server.requests.length };
}

describe('usage mistakes → exit 64, nothing sent to IICS', () => {
  test('no command: the help, on stderr', async () => {
    const result = await runAgainstFake([]);
    expect(result.code).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: iics-job <command>/);
    expect(result.stderr).toMatch(/run .*start a task/);
    expect(result.stderr).toContain('IICS_PASSWORD');
  });

  test.each([
    [['run', '--task-nam', 'MT_Load', '--task-type', 'MTT'], "Unknown option '--task-nam'. Did you mean --task-name?"],
    [['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--timout', '1h'], "Unknown option '--timout'. Did you mean --timeout?"],
    [['status', '--task-id', 'T', '--runid', '1'], "Unknown option '--runid'. Did you mean --run-id?"],
    [['stop', '--task-name', 'MT_Load', '--task-type', 'MTT', '--clear'], "Unknown option '--clear'. Did you mean --clean?"],
    [['statsu'], 'Unknown command "statsu"; the commands are run, status, stop and completion. Did you mean status?'],
  ])('%j → the nearest option or command is suggested', async (argv, message) => {
    const result = await runAgainstFake(argv);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(`iics-job: ${message}`);
    expect(result.requests).toBe(0);
  });

  test.each([
    ['--task-name', ['run', '--task-name', 'MT_A', '--task-name', 'MT_B', '--task-type', 'MTT']],
    ['--task-type', ['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--task-type', 'DSS']],
    ['--timeout', ['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--timeout', '1h', '--timeout', '2h']],
    ['--run-id', ['status', '--task-id', 'T', '--run-id', '1', '--run-id', '2']],
    ['--path', ['stop', '--path', 'A/B', '--path', 'A/C', '--task-type', 'MTT']],
  ])('%s given twice is refused, naming both values; no job starts', async (flag, argv) => {
    const result = await runAgainstFake(argv);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(new RegExp(`iics-job: ${flag} was given twice \\("[^"]+" and "[^"]+"\\); it takes one value`));
    expect(result.requests).toBe(0);
  });

  test.each([
    ['--timeout', '-5s'],
    ['--timeout', '-1'],
    ['--poll-interval', 'soon'],
    ['--poll-interval', '0s'],
    ['--request-timeout', '10 seconds'],
  ])('%s %s names the flag and the accepted forms', async (flag, value) => {
    const result = await runAgainstFake(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', flag, value]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(`iics-job: ${flag} must be a duration above zero: 500ms, 10s, 5m, 2h, 1h30m, or a number of seconds (got "${value}").`);
    expect(result.requests).toBe(0);
  });

  test('a password flag is refused with the way to give it', async () => {
    const result = await runAgainstFake(['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--password', 'hunter2']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('set IICS_PASSWORD in the environment');
    expect(result.stderr).not.toContain('hunter2');
  });

  test('a stray argument is named', async () => {
    const result = await runAgainstFake(['run', 'MT_Load', '--task-type', 'MTT']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('iics-job: Unexpected argument "MT_Load".');
  });

  test('an unknown shell for completion', async () => {
    const result = await runAgainstFake(['completion', 'fish']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('Allowed choices are bash, zsh');
  });
});

describe('help', () => {
  test('"help run" and "run --help" print the same help on stdout, exit 0', async () => {
    const a = await runAgainstFake(['help', 'run']);
    const b = await runAgainstFake(['run', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('--poll-interval <duration>');
    expect(a.stdout).toContain('"DMASK", "DRS", "DSS", "MTT", "PCS", "WORKFLOW"');
  });
});

describe('iics-job completion (the built bin, sourced in a real bash)', () => {
  beforeAll(() => ensureBuilt(), 60_000);

  /** What bash offers for `iics-job <words…>` with the cursor on the last word. */
  function complete(words: string[]): Promise<string[]> {
    const script = [
      `source <("${process.execPath}" "${BIN}" completion bash)`,
      `COMP_WORDS=(iics-job ${words.map((w) => `'${w}'`).join(' ')})`,
      `COMP_CWORD=${words.length}`,
      '_iics_job',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    return new Promise((resolve, reject) => {
      execFile('bash', ['-c', script], { timeout: 15_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(stdout.split('\n').filter(Boolean));
      });
    });
  }

  test.each([
    [[''], ['run', 'status', 'stop', 'completion', 'help', '--help', '--version']],
    [['st'], ['status', 'stop']],
    [['run', '--task-t'], ['--task-type']],
    [['run', '--task-type', ''], ['DMASK', 'DRS', 'DSS', 'MTT', 'PCS', 'WORKFLOW']],
    [['stop', '--cl'], ['--clean']],
    [['status', '--r'], ['--run-id', '--request-timeout']],
    [['completion', ''], ['bash', 'zsh', '--help']],
    [['run', '--task-name', ''], []],
  ])('%j → %j', async (words, offered) => {
    expect(await complete(words)).toEqual(offered);
  });

  test('every option of every command is offered', async () => {
    const options = await complete(['run', '--']);
    for (const flag of ['--task-name', '--task-id', '--federated-id', '--path', '--callback-url', '--no-wait', '--poll-interval', '--timeout', '--json', '--request-timeout']) {
      expect(options).toContain(flag);
    }
  });

  test('zsh: a compdef script with each command, its options and the task types', async () => {
    const result = await runBin(['completion', 'zsh'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^#compdef iics-job\n/);
    expect(result.stdout).toContain('compdef _iics_job iics-job');
    expect(result.stdout).toContain("'run:start a task or linear taskflow and wait for its end'");
    expect(result.stdout).toContain("--task-type'[the task type (required; any case)]:value:(DMASK DRS DSS MTT PCS WORKFLOW)'");
    expect(result.stdout).toContain("--clean'[clean stop (?cleanStop=true)]'");
    expect(result.stdout).toContain("'1:shell:(bash zsh)'");
  });

  test('completion needs no credentials', async () => {
    const result = await runBin(['completion', 'bash'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('complete -F _iics_job iics-job');
    expect(result.stderr).toBe('');
  });
});
