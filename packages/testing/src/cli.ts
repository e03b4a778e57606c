#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startFakeIics } from './fake/server.js';
import type { FakeTaskflowDefinition } from './fake/taskflows/types.js';
import type { FakeIics, FakeTaskDefinition, FakeUser } from './fake/types.js';
import { createRequestPrinter } from './request-printer.js';

/** Requests and runs a long-lived fake keeps for inspection; the oldest go first. */
const DEFAULT_MAX_RECORDED = 10_000;

const USAGE = `Usage: iics-fake [--port 4010] [--pod-port 0] [--host 127.0.0.1] [--tasks tasks.json] [--time-scale 1]
                 [--session-idle-ms 1800000] [--log-gap-ms 0] [--login-failure-status 403]
                 [--max-recorded 10000] [--strict-requests] [--json] [--verbose]

Runs a fake IICS (Informatica Intelligent Cloud Services) job API until SIGINT or SIGTERM.

  --port N                 port of the login host (default 4010; 0 picks a free one)
  --pod-port N             port of the POD host that login returns as serverUrl / baseApiUrl
                           (default 0: a free one; every resource but login is only there)
  --host ADDR              address to listen on (default 127.0.0.1)
  --tasks FILE             JSON file: an array of task definitions, or { "tasks": [...], "users": [...] }
  --time-scale X           real ms per fake ms (default 1; 0.01 runs jobs 100 times as fast)
  --session-idle-ms N      fake ms of inactivity before a session expires (default 1800000)
  --log-gap-ms N           fake ms a finished job is in neither monitor nor log (default 0)
  --login-failure-status N HTTP status of a wrong-credentials login: 400, 401 or 403 (default 403)
  --max-recorded N         requests and ended runs kept in memory, the oldest dropped first (default 10000)
  --strict-requests        refuse a request body member the spec does not list (400 naming it);
                           by default it is ignored, as IICS ignores it, and printed with --verbose
  --json                   print one JSON line with the URLs, credentials and tasks instead of text
  --verbose                print one line per request (method, path, status; never a session id)

Credentials: IICS_FAKE_USERNAME and IICS_FAKE_PASSWORD set the user (default fake.user@example.com / fake-password).
Exit codes: 0 stopped by a signal, 1 failed to start, 64 usage error.`;

class UsageError extends Error {}

interface CliConfig {
  port: number;
  podPort: number;
  host: string;
  tasks?: Array<FakeTaskDefinition | FakeTaskflowDefinition>;
  users?: FakeUser[];
  timeScale: number;
  sessionIdleMs?: number;
  logGapMs?: number;
  loginFailureStatus?: 400 | 401 | 403;
  maxRecorded: number;
  strictRequests: boolean;
  json: boolean;
  verbose: boolean;
}

async function readConfig(argv: string[]): Promise<CliConfig | 'help'> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'pod-port': { type: 'string' },
        host: { type: 'string' },
        tasks: { type: 'string' },
        'time-scale': { type: 'string' },
        'session-idle-ms': { type: 'string' },
        'log-gap-ms': { type: 'string' },
        'login-failure-status': { type: 'string' },
        'max-recorded': { type: 'string' },
        'strict-requests': { type: 'boolean' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const config: CliConfig = {
    port: integer(values.port ?? '4010', '--port', 0, 65535),
    podPort: integer(values['pod-port'] ?? '0', '--pod-port', 0, 65535),
    host: values.host ?? '127.0.0.1',
    timeScale: number(values['time-scale'] ?? '1', '--time-scale'),
    maxRecorded: integer(values['max-recorded'] ?? String(DEFAULT_MAX_RECORDED), '--max-recorded', 0, Number.MAX_SAFE_INTEGER),
    strictRequests: values['strict-requests'] ?? false,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
  };
  if (values['session-idle-ms'] !== undefined) config.sessionIdleMs = number(values['session-idle-ms'], '--session-idle-ms');
  if (values['log-gap-ms'] !== undefined) config.logGapMs = integer(values['log-gap-ms'], '--log-gap-ms', 0, Number.MAX_SAFE_INTEGER);
  if (values['login-failure-status'] !== undefined) {
    const status = integer(values['login-failure-status'], '--login-failure-status', 400, 403);
    if (status !== 400 && status !== 401 && status !== 403) throw new UsageError('--login-failure-status must be 400, 401 or 403');
    config.loginFailureStatus = status;
  }
  if (values.tasks !== undefined) Object.assign(config, await readTasksFile(values.tasks));
  const username = process.env.IICS_FAKE_USERNAME;
  const password = process.env.IICS_FAKE_PASSWORD;
  if (username || password) {
    if (!username || !password) throw new UsageError('set both IICS_FAKE_USERNAME and IICS_FAKE_PASSWORD, or neither');
    config.users = [{ username, password }, ...(config.users ?? [])];
  }
  return config;
}

async function readTasksFile(file: string): Promise<{ tasks?: Array<FakeTaskDefinition | FakeTaskflowDefinition>; users?: FakeUser[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--tasks: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--tasks: ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(data)) return { tasks: data as Array<FakeTaskDefinition | FakeTaskflowDefinition> };
  if (data !== null && typeof data === 'object') {
    const { tasks, users } = data as { tasks?: unknown; users?: unknown };
    if (tasks !== undefined && !Array.isArray(tasks)) throw new UsageError(`--tasks: "tasks" in ${file} must be an array`);
    if (users !== undefined && !Array.isArray(users)) throw new UsageError(`--tasks: "users" in ${file} must be an array`);
    return { ...(tasks ? { tasks: tasks as Array<FakeTaskDefinition | FakeTaskflowDefinition> } : {}), ...(users ? { users: users as FakeUser[] } : {}) };
  }
  throw new UsageError(`--tasks: ${file} must hold an array of tasks or an object with "tasks"`);
}

function number(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a number above 0, got "${text}"`);
  return value;
}

function integer(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

function describe(fake: FakeIics, json: boolean): string {
  const tasks = fake.tasks.map((t) => ({ name: t.name, type: t.type, id: t.id, federatedId: t.federatedId, path: t.path }));
  const taskflows = fake.taskflows.map((t) => ({ apiName: t.apiName, name: t.name, location: t.location }));
  if (json) {
    return JSON.stringify({ loginUrl: fake.loginUrl, serverUrl: fake.serverUrl, baseApiUrl: fake.baseApiUrl, dashboardUrl: fake.dashboardUrl, username: fake.credentials.username, password: fake.credentials.password, tasks, taskflows });
  }
  const width = Math.max(...tasks.map((t) => t.name.length));
  return [
    `iics-fake: a fake IICS is listening (time scale ${fake.clock.timeScale})`,
    `  login URL:  ${fake.loginUrl}`,
    `  server URL: ${fake.serverUrl}  (the POD host: serverUrl and baseApiUrl)`,
    ...(fake.dashboardUrl ? [`  dashboard:  ${fake.dashboardUrl}  (live page of runs, requests and callbacks)`] : []),
    `  username:   ${fake.credentials.username}`,
    // These are the fake's own test credentials, printed so that a non-Node test can log in.
    `  password:   ${fake.credentials.password}`,
    '  tasks:',
    ...tasks.map((t) => `    ${t.name.padEnd(width)}  ${t.type.padEnd(8)}  id ${t.id}  federatedId ${t.federatedId}  ${t.path}`),
    ...(taskflows.length > 0 ? [`  taskflows (${new URL(fake.serverUrl).origin}/active-bpel/rt/<apiName>):`] : []),
    ...taskflows.map((t) => `    ${t.apiName}${t.name === t.apiName ? '' : `  (${t.name})`}  ${t.location}`),
    'Stop with Ctrl-C (SIGINT) or SIGTERM.',
  ].join('\n');
}

async function main(): Promise<number> {
  let config: CliConfig | 'help';
  try {
    config = await readConfig(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`iics-fake: ${error.message}\n\n${USAGE}\n`);
      return 64;
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let fake: FakeIics;
  try {
    fake = await startFakeIics({
      port: config.port,
      podPort: config.podPort,
      host: config.host,
      timeScale: config.timeScale,
      maxRecorded: config.maxRecorded,
      strictRequests: config.strictRequests,
      ...(config.tasks ? { tasks: config.tasks } : {}),
      ...(config.users ? { users: config.users } : {}),
      ...(config.sessionIdleMs !== undefined ? { sessionIdleMs: config.sessionIdleMs } : {}),
      ...(config.logGapMs !== undefined ? { logGapMs: config.logGapMs } : {}),
      ...(config.loginFailureStatus !== undefined ? { loginFailureStatus: config.loginFailureStatus } : {}),
    });
  } catch (error) {
    process.stderr.write(`iics-fake: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`${describe(fake, config.json)}\n`);

  // One line per request once it has ended; a request still pending (or never answered) holds back no other.
  const print = createRequestPrinter(fake.requests, (line) => process.stdout.write(`${line}\n`));
  const printer = config.verbose ? setInterval(print, 100) : undefined;

  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (printer) {
        clearInterval(printer);
        print();
      }
      process.stderr.write(`iics-fake: ${signal} received, stopping\n`);
      fake.close().then(
        () => resolve(0),
        () => resolve(0),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; should anything still hold the event loop, do not hang a CI job on it.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`iics-fake: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
