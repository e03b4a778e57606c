import type { Dispatcher } from 'undici';
import { createIicsClient, type IicsClient } from '../client.js';
import { IicsInvalidArgumentError } from '../errors.js';
import { CLIENT_VERSION, type IicsLogger } from '../options.js';
import { parseArguments, shortUsage, UsageError, type ParsedCommandLine } from './args.js';
import type { CliContext } from './command.js';
import { EXIT, exitCodeForError, type ExitCode } from './exit-codes.js';
import { Reporter, type CliStream } from './output.js';
import { isFileIngestionCommand, parseFileIngestionCommand } from './file-ingestion-args.js';
import { runFileIngestionCommand } from './file-ingestion.js';

export interface CliIo {
  env?: Record<string, string | undefined>;
  stdout?: CliStream;
  stderr?: CliStream;
  /** Aborting it stops the wait (exit 130); the job goes on. */
  signal?: AbortSignal;
  /** For tests: an undici dispatcher to send requests through. */
  dispatcher?: Dispatcher;
}

/** Runs `iics-job` with `argv` (without node and the script) and returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;

  // File ingestion (MI_TASK) and `logs` have their own parser for now (file-ingestion-args.ts).
  if (isFileIngestionCommand(argv)) return fileIngestionMain(argv, { env, stdout, stderr, ...(io.signal ? { signal: io.signal } : {}), dispatcher: io.dispatcher });

  let parsed: ParsedCommandLine;
  try {
    parsed = parseArguments(argv);
  } catch (error) {
    return usage(stderr, error);
  }
  if (parsed.kind === 'print') {
    (parsed.to === 'stdout' ? stdout : stderr).write(parsed.text);
    return parsed.code;
  }

  const { args, execute } = parsed.invocation;
  const reporter = new Reporter(stdout, stderr, args.json === true);
  let client: IicsClient | undefined;
  const ctx: CliContext = {
    stdout,
    stderr,
    reporter,
    signal: io.signal,
    phase: 'other',
    client: () =>
      (client ??= clientFromEnv(env, args.requestTimeoutMs, args.verbose === true ? stderrLogger(stderr) : undefined, io.dispatcher)),
  };
  try {
    return await execute(ctx);
  } catch (error) {
    const code: ExitCode = error instanceof UsageError ? EXIT.USAGE : exitCodeForError(error, ctx.phase);
    if (code === EXIT.USAGE) {
      reporter.close();
      return usage(stderr, error);
    }
    reporter.error(error, code);
    return code;
  } finally {
    reporter.close();
    await client?.close().catch(() => undefined);
  }
}

function clientFromEnv(
  env: Record<string, string | undefined>,
  requestTimeoutMs: number | undefined,
  logger: IicsLogger | undefined,
  dispatcher: Dispatcher | undefined,
): IicsClient {
  const missing = ['IICS_LOGIN_URL', 'IICS_USERNAME', 'IICS_PASSWORD'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new UsageError(`Set ${missing.join(', ')} in the environment (credentials are never taken as options).`);
  }
  const apiVersion = env.IICS_API_VERSION?.toLowerCase();
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== 'v2' && apiVersion !== 'v3') {
    throw new UsageError(`IICS_API_VERSION must be v2 or v3 (got "${env.IICS_API_VERSION}").`);
  }
  try {
    return createIicsClient({
      loginUrl: env.IICS_LOGIN_URL!,
      username: env.IICS_USERNAME!,
      password: env.IICS_PASSWORD!,
      apiVersion: apiVersion === 'v3' ? 'v3' : 'v2',
      ...(dispatcher ? { dispatcher } : {}),
      ...(requestTimeoutMs !== undefined ? { timeouts: { requestMs: requestTimeoutMs, loginMs: requestTimeoutMs } } : {}),
      userAgent: `iics-job/${CLIENT_VERSION} node/${process.versions.node}`,
      ...(logger ? { logger } : {}),
    });
  } catch (error) {
    if (error instanceof IicsInvalidArgumentError) {
      const variable = { loginUrl: 'IICS_LOGIN_URL', username: 'IICS_USERNAME', password: 'IICS_PASSWORD' }[error.field];
      throw new UsageError(variable ? `${variable}: ${error.message}` : error.message);
    }
    throw error;
  }
}

function usage(stderr: CliStream, error: unknown): number {
  if (!(error instanceof UsageError) && !(error instanceof IicsInvalidArgumentError)) {
    stderr.write(`iics-job: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.EXCEPTION;
  }
  stderr.write(`iics-job: ${error.message}\n\n${shortUsage()}`);
  return EXIT.USAGE;
}

function stderrLogger(stderr: CliStream): IicsLogger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void stderr.write(`[${level}] ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''}\n`);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** `--task-type MI_TASK` and `logs`: parsed and run on their own (see file-ingestion.ts). */
async function fileIngestionMain(
  argv: readonly string[],
  io: { env: Record<string, string | undefined>; stdout: CliStream; stderr: CliStream; signal?: AbortSignal; dispatcher: Dispatcher | undefined },
): Promise<number> {
  let cmd;
  try {
    cmd = parseFileIngestionCommand(argv);
  } catch (error) {
    return usage(io.stderr, error);
  }
  if (cmd.command === 'help') {
    io.stdout.write(cmd.text);
    return EXIT.SUCCESS;
  }
  return runFileIngestionCommand(cmd, {
    stdout: io.stdout as CliStream & { write(chunk: string | Uint8Array): unknown },
    stderr: io.stderr,
    ...(io.signal ? { signal: io.signal } : {}),
    makeClient: (common) => clientFromEnv(io.env, common.requestTimeoutMs, common.verbose ? stderrLogger(io.stderr) : undefined, io.dispatcher),
    usage: (error) => usage(io.stderr, error),
  });
}
