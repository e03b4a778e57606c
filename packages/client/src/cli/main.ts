import type { Dispatcher } from 'undici';
import { createIicsClient, type IicsClient } from '../client.js';
import { IicsInvalidArgumentError, IicsWaitTimeoutError } from '../errors.js';
import { CLIENT_VERSION, type IicsLogger } from '../options.js';
import { parseCommandLine, UsageError, type Parsed } from './args.js';
import { EXIT, exitCodeForError, exitCodeForState, type ExitCode } from './exit-codes.js';
import { LOG_HELP, MAIN_HELP, REPORT_HELP, RUN_HELP, SHORT_USAGE, STATUS_HELP, STOP_HELP } from './help.js';
import { runLog } from './log-command.js';
import { printRunReport, runReport } from './report-command.js';
import { Reporter, type CliStream } from './output.js';
import { isFileIngestionCommand, parseFileIngestionCommand } from './file-ingestion-args.js';
import { runFileIngestionCommand } from './file-ingestion.js';
import type { JobStatus } from '../status.js';

export interface CliIo {
  env?: Record<string, string | undefined>;
  stdout?: CliStream;
  stderr?: CliStream;
  /** Aborting it stops the wait (exit 130); the job goes on. */
  signal?: AbortSignal;
  /** For tests: an undici dispatcher to send requests through. */
  dispatcher?: Dispatcher;
}

const HELP = { main: MAIN_HELP, run: RUN_HELP, status: STATUS_HELP, stop: STOP_HELP, log: LOG_HELP, report: REPORT_HELP } as const;
// `run --quiet`: nothing on stdout; `log`: stdout holds the log alone, errors go to stderr only.
const SILENT = { write: () => true };

/** Runs `iics-job` with `argv` (without node and the script) and returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;

  if (isFileIngestionCommand(argv)) return fileIngestionMain(argv, { env, stdout, stderr, ...(io.signal ? { signal: io.signal } : {}), dispatcher: io.dispatcher });

  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    return usage(stderr, error);
  }
  if (parsed.command === 'help') {
    stdout.write(HELP[parsed.topic]);
    return EXIT.SUCCESS;
  }
  if (parsed.command === 'version') {
    stdout.write(`${CLIENT_VERSION}\n`);
    return EXIT.SUCCESS;
  }

  const silent = (parsed.command === 'run' && parsed.quiet) || parsed.command === 'log';
  const reporter = new Reporter(silent ? SILENT : stdout, stderr, parsed.json);
  let client: IicsClient;
  try {
    client = clientFromEnv(env, parsed.requestTimeoutMs, parsed.verbose ? stderrLogger(stderr) : undefined, io.dispatcher);
  } catch (error) {
    return usage(stderr, error);
  }

  let phase: 'start' | 'wait' | 'other' = 'other';
  try {
    switch (parsed.command) {
      case 'run': {
        phase = 'start';
        const started = await client.jobs.start(
          {
            ...parsed.task,
            taskType: parsed.taskType,
            ...(parsed.callbackURL !== undefined ? { callbackURL: parsed.callbackURL } : {}),
            ...(parsed.parameterFile ? { parameterFile: parsed.parameterFile } : {}),
          },
          io.signal ? { signal: io.signal } : {},
        );
        reporter.started(started, parsed.wait);
        if (!parsed.wait) {
          reporter.notWaited(started, EXIT.NO_WAIT);
          return EXIT.NO_WAIT;
        }
        phase = 'wait';
        try {
          const final = await client.jobs.wait(
            { taskId: started.taskId, runId: started.runId },
            {
              ...(parsed.pollIntervalMs !== undefined ? { pollIntervalMs: parsed.pollIntervalMs } : {}),
              ...(parsed.timeoutMs !== undefined ? { timeoutMs: parsed.timeoutMs } : {}),
              ...(io.signal ? { signal: io.signal } : {}),
              onUpdate: (status) => reporter.update(status),
            },
          );
          const code = exitCodeForState(final.state, final.terminal);
          reporter.finished(final, code);
          if (!parsed.quiet) await printRunReport(client, final, reporter.json, stdout, stderr, io.signal);
          return code;
        } catch (error) {
          if (error instanceof IicsWaitTimeoutError) {
            reporter.stillRunning(started.taskId, started.runId, error.lastStatus as JobStatus | undefined, EXIT.STILL_RUNNING);
            return EXIT.STILL_RUNNING;
          }
          throw error;
        }
      }
      case 'status': {
        const status = await client.jobs.status({ taskId: parsed.taskId, runId: parsed.runId }, io.signal ? { signal: io.signal } : {});
        const code = exitCodeForState(status.state, status.terminal);
        reporter.status(status, code);
        return code;
      }
      case 'log': {
        await runLog(client, { run: parsed.run, ...(io.signal ? { signal: io.signal } : {}) }, stdout);
        return EXIT.SUCCESS;
      }
      case 'report': {
        const report = await runReport(
          client,
          { run: parsed.run, json: parsed.json, ...(parsed.lines !== undefined ? { lines: parsed.lines } : {}), ...(io.signal ? { signal: io.signal } : {}) },
          stdout,
        );
        return exitCodeForState(report.state, report.terminal);
      }
      case 'stop': {
        const answer = await client.jobs.stop(
          { ...parsed.task, taskType: parsed.taskType, cleanStop: parsed.cleanStop },
          io.signal ? { signal: io.signal } : {},
        );
        reporter.stopped(answer.description, parsed.cleanStop, EXIT.SUCCESS);
        return EXIT.SUCCESS;
      }
    }
  } catch (error) {
    const code: ExitCode = exitCodeForError(error, phase);
    if (code === EXIT.USAGE) {
      reporter.close();
      return usage(stderr, error);
    }
    reporter.error(error, code);
    return code;
  } finally {
    reporter.close();
    await client.close().catch(() => undefined);
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
  stderr.write(`iics-job: ${error.message}\n\n${SHORT_USAGE}`);
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
