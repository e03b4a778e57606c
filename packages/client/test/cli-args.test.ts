import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { parseCommandLine } from '../src/cli/args.js';
import { formatDuration, formatElapsed, parseDuration } from '../src/cli/duration.js';
import { exitCodeForError } from '../src/cli/exit-codes.js';
import { IicsApiError, IicsTaskNotFoundError } from '../src/index.js';
import { capture } from './helpers/streams.js';

const env = { IICS_LOGIN_URL: 'http://127.0.0.1:1', IICS_USERNAME: 'u', IICS_PASSWORD: 'p-secret-pw' };

async function run(argv: string[], environment: Record<string, string | undefined> = env) {
  const stdout = capture();
  const stderr = capture();
  const code = await main(argv, { env: environment, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('durations', () => {
  test.each([
    ['10s', 10_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['90', 90_000],
    ['1.5s', 1500],
  ])('%s → %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  test.each(['', 'soon', '10 parsecs', '-5s', '0s', '0', '0.0001'])('%j is refused', (text) => expect(parseDuration(text)).toBeUndefined());
  test('limits are the caller\'s: a bare number and a unit duration parse alike', () => {
    expect(parseDuration('2200000')).toBe(2_200_000_000);
    expect(parseDuration('611h6m40s')).toBe(2_200_000_000);
    expect(formatDuration(2 ** 31 - 1)).toBe('596h31m23s647ms');
    expect(formatDuration(86_400_000)).toBe('24h');
  });
  test('elapsed time', () => {
    expect(formatElapsed(65_000)).toBe('1:05');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
  });
});

describe('command line', () => {
  test('run with every option', () => {
    expect(
      parseCommandLine([
        'run', '--path', 'Sales/MT_Load', '--task-type', 'workflow', '--callback-url', 'https://h.example/cb',
        '--param-file-name', 'p.param', '--param-file-dir', '/params', '--poll-interval', '5s', '--timeout', '2h', '--json',
      ]),
    ).toEqual({
      command: 'run',
      task: { path: 'Sales/MT_Load' },
      taskType: 'WORKFLOW',
      callbackURL: 'https://h.example/cb',
      parameterFile: { name: 'p.param', dir: '/params' },
      wait: true,
      pollIntervalMs: 5000,
      timeoutMs: 7_200_000,
      json: true,
      verbose: false,
    });
  });

  test.each([
    [['run', '--task-name', 'X'], '--task-type is required'],
    [['run', '--task-name', 'X', '--task-type', 'TASKFLOW'], 'must be one of DMASK, DRS, DSS, MTT, PCS, WORKFLOW'],
    [['run', '--task-type', 'MTT'], 'Name the task'],
    [['run', '--task-name', 'X', '--task-id', 'Y', '--task-type', 'MTT'], 'one way only'],
    [['run', '--task-name', 'X', '--task-type', 'MTT', '--timeout', 'forever'], '--timeout must be a duration'],
    [['run', '--task-name', 'X', '--task-type', 'MTT', '--param-file-name', 'p'], 'go together'],
    [['run', '--task-name', 'X', '--task-type', 'MTT', '--password', 'x'], "Unknown option '--password'"],
    [['status', '--task-id', 'T', '--run-id', 'abc'], '--run-id must be a whole number'],
    [['status', '--run-id', '3'], '--task-id'],
    [['launch'], 'Unknown command "launch"'],
  ])('%j → exit 64 with a short help on stderr', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(64);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: iics-job run');
    expect(stdout).toBe('');
  });

  test.each([
    [['--timeout', '2200000'], '--timeout must be at most 596h31m23s647ms'],
    [['--timeout', '2147483.648'], '--timeout must be at most'],
    [['--poll-interval', '25d'], '--poll-interval must be at most'],
    [['--request-timeout', '86400.001'], '--request-timeout must be at most 24h'],
  ])('%j is refused while parsing', (flags, message) => {
    expect(() => parseCommandLine(['run', '--task-name', 'X', '--task-type', 'MTT', ...flags])).toThrow(message);
  });

  test('a number of seconds too large to hold is "at most", not "not a duration"', () => {
    expect(() => parseCommandLine(['status', '--task-id', 'T', '--run-id', '1', '--request-timeout', '9'.repeat(400)])).toThrow(
      '--request-timeout must be at most 24h',
    );
  });

  test('durations at the limits parse', () => {
    expect(parseCommandLine(['run', '--task-name', 'X', '--task-type', 'MTT', '--timeout', '2147483.647', '--request-timeout', '86400'])).toMatchObject({
      timeoutMs: 2 ** 31 - 1,
      requestTimeoutMs: 86_400_000,
    });
    expect(parseCommandLine(['status', '--task-id', 'T', '--run-id', '1', '--request-timeout', '24h'])).toMatchObject({ requestTimeoutMs: 86_400_000 });
  });

  test('missing credentials in the environment → 64, naming the variables', async () => {
    const { code, stderr } = await run(['status', '--task-id', 'T', '--run-id', '1'], { IICS_LOGIN_URL: 'http://127.0.0.1:1' });
    expect(code).toBe(64);
    expect(stderr).toContain('IICS_USERNAME, IICS_PASSWORD');
  });

  test('a bad login URL in the environment → 64, naming the variable', async () => {
    const { code, stderr } = await run(['status', '--task-id', 'T', '--run-id', '1'], { ...env, IICS_LOGIN_URL: 'https://dm-us.informaticacloud.com/ma' });
    expect(code).toBe(64);
    expect(stderr).toContain('IICS_LOGIN_URL');
  });

  test.each([[['--help']], [['run', '--help']], [['status', '-h']], [['stop', '--help']], [['help', 'run']]])('%j prints help and exits 0', async (argv) => {
    const { code, stdout } = await run(argv);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: iics-job/);
    expect(stdout).toContain('IICS_PASSWORD');
  });
});

describe('exit codes of errors in the start phase', () => {
  const api = (operation: string) => new IicsApiError('x', { status: 501, operation });
  test.each([
    ['the v2 login', 'POST /ma/api/v2/user/login', 5],
    ['the v3 login', 'POST /saas/public/core/v3/login', 5],
    ['the path lookup', 'POST /public/core/v3/lookup', 5],
    ['the start request', 'POST /api/v2/job', 7],
  ])('an API error of %s (%s) → %i', (_, operation, code) => {
    expect(exitCodeForError(api(operation), 'start')).toBe(code);
    expect(exitCodeForError(api(operation), 'other')).toBe(5);
  });
  test('a task that does not exist → 7', () => {
    expect(exitCodeForError(new IicsTaskNotFoundError('x', { task: { path: 'P', type: 'MTT' } }), 'start')).toBe(7);
  });
});
