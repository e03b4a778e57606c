import { setMaxListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleepReal } from 'node:timers/promises';
import { formatIssues, parseV2Error, parseV3Error } from '@iics-jobs/schema';
import { checkDelays, checkMs } from '../checks.js';
import { createClock, type Clock } from '../clock.js';
import { V2IdFactory, federatedId, orgId } from '../ids.js';
import { callbackRetrySchedule } from '../retry-schedule.js';
import { CallbackSender } from './callbacks.js';
import { DASHBOARD_PREFIX, Dashboard } from './dashboard/server.js';
import type { FakeContext, FakeOrigin, FakeRequest, RouteDefinition } from './context.js';
import { ERROR_CODES, faultError, familyError, htmlError, isHtmlError, type ErrorFamily, type RouteResult } from './errors.js';
import { FaultState } from './faults.js';
import { activityLogEntryRoute, activityLogRoute, activityMonitorRoute } from './routes/activity.js';
import { jobRoute, stopRoute } from './routes/job.js';
import { loginV2Route, loginV3Route, logoutV2Route, logoutV3Route } from './routes/login.js';
import { lookupRoute } from './routes/lookup.js';
import { serverTimeRoute, validSessionIdRoute } from './routes/session.js';
import { checkRateLimit, SlidingWindowLimit } from './objects/rate-limit.js';
import { objectsRoute } from './objects/route.js';
import { INGESTION_ROUTE_DEFINITIONS } from './ingestion/routes.js';
import { IngestionEngine } from './ingestion/runs.js';
import { errorLogRoute, sessionLogRoute } from './logs/routes.js';
import { sendFile } from './logs/send.js';
import { isListed, listedStatuses, type ListedStatuses } from './spec-statuses.js';
import { RunEngine, type RunRecord } from './runs.js';
import { SessionStore } from './sessions.js';
import { TaskCatalog, defaultTaskDefinitions } from './tasks.js';
import { TimerGroup } from './timers.js';
import { checkIngestionOptions } from './ingestion/options.js';
import type { FakeIngestionOptions } from './ingestion/types.js';
import { TaskflowCatalog, defaultTaskflowDefinitions, isTaskflowDefinition } from './taskflows/catalog.js';
import { TaskflowEngine } from './taskflows/engine.js';
import { TASKFLOW_ROUTES } from './taskflows/routes.js';
import { jsonWithNumbers } from './taskflows/wire.js';
import type { FakeIics, FakeRun, FakeUser, RecordedRequest, StartFakeIicsOptions } from './types.js';

/** The user a fake has when the options name none. */
export const DEFAULT_USER: Readonly<FakeUser> = Object.freeze({ username: 'fake.user@example.com', password: 'fake-password' });
const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;
const DEFAULT_STOP_DELAY_MS = 1_000;
const MAX_BODY_BYTES = 1024 * 1024;

const ROUTES: readonly RouteDefinition[] = [
  loginV2Route,
  loginV3Route,
  logoutV2Route,
  logoutV3Route,
  validSessionIdRoute,
  serverTimeRoute,
  jobRoute,
  stopRoute,
  activityMonitorRoute,
  activityLogRoute,
  activityLogEntryRoute,
  sessionLogRoute,
  errorLogRoute,
  lookupRoute,
  objectsRoute,
  ...INGESTION_ROUTE_DEFINITIONS,
  ...TASKFLOW_ROUTES,
];

interface RunWaiter {
  matches(run: RunRecord): boolean;
  resolve(run: FakeRun): void;
  reject(error: unknown): void;
}

interface IdleWaiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** Starts a fake IICS on 127.0.0.1 (a free port unless `port` is given). */
export async function startFakeIics(options: StartFakeIicsOptions = {}): Promise<FakeIics> {
  const settings = checkOptions(options);
  const clock: Clock = options.clock ?? createClock({ timeScale: options.timeScale ?? 1 });
  const timers = new TimerGroup(clock);
  const ids = new V2IdFactory(orgId());
  const catalog = new TaskCatalog(ids);
  const taskflows = { catalog: new TaskflowCatalog(), engine: new TaskflowEngine(timers) };
  // Published taskflows are given in `tasks` too; they live apart, under /active-bpel.
  (options.tasks ?? [...defaultTaskDefinitions(), ...defaultTaskflowDefinitions()]).forEach((definition, i) => {
    if (isTaskflowDefinition(definition)) taskflows.catalog.add(definition, `tasks[${i}]`);
    else catalog.add(definition, `tasks[${i}]`);
  });

  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const warnings: string[] = [];
  const report = (problem: string): void => {
    violations.push(problem);
    // Also said out loud: a consumer's test may never look at `violations`.
    process.emitWarning(problem, 'IicsFakeViolation');
  };
  const runWaiters = new Set<RunWaiter>();
  const idleWaiters = new Set<IdleWaiter>();
  const faults = new FaultState();
  const closing = new AbortController();
  // Each delayed request listens to it; many may be delayed at once.
  setMaxListeners(0, closing.signal);

  const engine: RunEngine = new RunEngine({
    timers,
    ids,
    logGapMs: settings.logGapMs,
    stopDelayMs: settings.stopDelayMs,
    maxRecorded: settings.maxRecorded,
    onEnded: (run) => {
      if (!run.parent) sender.send(run);
      for (const waiter of runWaiters) if (waiter.matches(run)) waiter.resolve(run.view);
      checkIdle();
    },
  });
  const sender = new CallbackSender(clock, settings.schedule, faults, engine, report, () => checkIdle());
  const callbacksIdle = (): boolean => !sender.busy && engine.records.every((run) => run.ended || run.view.callbackURL === undefined);
  function checkIdle(): void {
    if (!callbacksIdle()) return;
    for (const waiter of idleWaiters) waiter.resolve();
  }

  const ingestion = new IngestionEngine(timers, settings.fileIngestion.firstRunId);
  const stable = new Map<string, string>();
  // Two listeners, as a real org has two hosts: login (dm-us...) and the POD (na1.dm-us...).
  const loginServer = http.createServer();
  const podServer = http.createServer();
  const ctx: FakeContext = {
    clock,
    ids,
    orgId: ids.org,
    orgUuid: federatedId(),
    // Filled in once the port is known.
    serverUrl: '',
    users: settings.users,
    sessions: new SessionStore(clock, settings.sessionIdleMs),
    catalog,
    engine,
    ingestion,
    ingestionForm: { runIdKey: settings.fileIngestion.runIdKey, runIdType: settings.fileIngestion.runIdType },
    loginFailureStatus: settings.loginFailureStatus,
    lookupMissing: settings.lookupMissing,
    ...(settings.objectsRateLimit ? { objectsRateLimit: new SlidingWindowLimit(settings.objectsRateLimit) } : {}),
    taskflows,
    taskflowRunIds: settings.taskflowRunIds,
    sessionLogFormat: settings.sessionLogFormat,
    strictRequests: settings.strictRequests,
    stableId(key, make) {
      let value = stable.get(key);
      if (value === undefined) stable.set(key, (value = make()));
      return value;
    },
  };

  let dashboard: Dashboard | undefined;
  const onRequest = (origin: FakeOrigin) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    let record: RecordedRequest | undefined;
    // The dashboard's own requests (login origin, /_fake/...) are not recorded.
    if (origin === 'login' && dashboard?.handle(req, res)) return;
    (async () => {
      const url = parseTarget(req.url);
      record = recordRequest(req, url, origin);
      dashboard?.observe(record, res);
      await handleRequest(req, res, record, url);
    })().catch((error: unknown) => {
      const path = record?.path ?? req.url?.split('?')[0] ?? '';
      report(`request ${req.method} ${path.slice(0, 200)}: ${(error as Error).message}`);
      if (!res.headersSent && !res.destroyed) {
        if (record) record.status = 500;
        sendResult(res, familyError(path.includes('/public/core/v3/') ? 'v3' : 'v2', 500, ERROR_CODES.internal, 'An unexpected error occurred.'));
      } else {
        if (record) markAborted(record);
        res.destroy();
      }
    });
  };
  for (const [origin, server] of [['login', loginServer], ['pod', podServer]] as const) {
    server.on('request', onRequest(origin));
    // A malformed request line must not crash the fake.
    server.on('clientError', (_error, socket) => socket.destroy());
  }

  /** Records the request as it arrives; the oldest records go once there are more than `maxRecorded`. */
  function recordRequest(req: http.IncomingMessage, url: URL | undefined, origin: FakeOrigin): RecordedRequest {
    const record: RecordedRequest = {
      at: clock.now(),
      origin,
      method: req.method ?? 'GET',
      path: url?.pathname ?? (req.url ?? '').slice(0, 2000),
      query: url ? Object.fromEntries(url.searchParams) : {},
      body: undefined,
    };
    requests.push(record);
    if (requests.length > settings.maxRecorded) requests.splice(0, requests.length - settings.maxRecorded);
    return record;
  }

  async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest, url: URL | undefined): Promise<void> {
    const { method } = record;
    // The real v2 API accepts a trailing slash (POST /saas/api/v2/mttask/), and base URLs configured
    // with one are common: every route matches with or without it.
    const path = record.path.length > 1 && record.path.endsWith('/') ? record.path.slice(0, -1) : record.path;
    // A request target that is no URL (e.g. "http://[x") matches no route.
    const candidates = url ? ROUTES.filter((route) => (route.origins ?? POD_ONLY).includes(record.origin) && route.match(path) !== undefined) : [];
    const def = candidates.find((route) => route.method === method);
    const family: ErrorFamily = def?.family ?? candidates[0]?.family ?? (path.includes('/public/core/v3/') ? 'v3' : 'v2');
    if (def) record.route = def.route;
    // The spec's operation, whose status codes every answer but an injected fault must be among.
    const listed = def ? listedStatuses(def.method, path) : candidates[0] ? listedStatuses(candidates[0].method, path) : undefined;
    if (def && !listed) report(`${def.route}: the spec has no operation ${method} ${path.slice(0, 200)}`);

    const read = await readBody(req);
    if (read.aborted) {
      record.aborted = true;
      res.destroy();
      return;
    }
    if (read.tooLarge) return answer(res, record, family, familyError(family, 413, ERROR_CODES.badRequest, `The request body is larger than ${MAX_BODY_BYTES} bytes.`), undefined, listed);
    const parsedBody = parseBody(read.text, req.headers['content-type']);
    record.body = maskPassword(parsedBody.ok ? parsedBody.value : read.text || undefined);

    if (def) {
      const latency = faults.latencyOf(def.route);
      if (latency) {
        try {
          if (latency.unit === 'fake') await clock.sleep(latency.ms, closing.signal);
          else await sleepReal(latency.ms, undefined, { signal: closing.signal });
        } catch {
          // The fake is closing.
          markAborted(record);
          res.destroy();
          return;
        }
      }
      const action = faults.take(def.route);
      if (action?.kind === 'drop') {
        record.dropped = true;
        res.destroy();
        return;
      }
      if (action?.kind === 'fail') return answer(res, record, family, faultError(family, action.status));
    }
    if (!url) return answer(res, record, family, familyError(family, 400, ERROR_CODES.badRequest, 'The request target is not a valid URL.'));
    if (!def) {
      if (candidates.length > 0) return answer(res, record, family, familyError(family, 405, ERROR_CODES.methodNotAllowed, 'Method not supported.'), undefined, listed);
      // The real service answers a path it does not know with an HTML page, not an error object.
      return answer(res, record, family, htmlError(404, 'Resource not found.'));
    }
    if (!parsedBody.ok) return answer(res, record, family, familyError(family, parsedBody.status, ERROR_CODES[parsedBody.code], parsedBody.message), undefined, listed);

    let username: string | undefined;
    let sessionId: string | undefined;
    if (def.auth) {
      sessionId = def.sessionHeader
        ? headerValue(req.headers[def.sessionHeader])
        : (headerValue(req.headers.icsessionid) ?? headerValue(req.headers['infa-session-id']));
      username = sessionId === undefined ? undefined : ctx.sessions.use(sessionId);
      if (username === undefined) {
        const message = sessionId === undefined ? `A session id is required: send the ${def.sessionHeader ? def.sessionHeader.toUpperCase() : 'icSessionId or INFA-SESSION-ID'} header.` : 'The session id is not valid or has expired. Log in again.';
        return answer(res, record, family, familyError(family, 401, ERROR_CODES.invalidSession, message), undefined, listed);
      }
    }
    const request: FakeRequest = {
      method,
      path,
      query: url.searchParams,
      body: parsedBody.value,
      param: def.match(path),
      headers: req.headers,
      ...(username === undefined ? {} : { username }),
      ...(sessionId === undefined ? {} : { sessionId }),
      warn(message) {
        (record.warnings ??= []).push(message);
        warnings.push(message);
        if (warnings.length > settings.maxRecorded) warnings.splice(0, warnings.length - settings.maxRecorded);
      },
    };
    let result: RouteResult;
    try {
      result = def.handle(ctx, request);
    } catch (error) {
      report(`${def.route} handler threw: ${(error as Error).message}`);
      result = familyError(family, 500, ERROR_CODES.internal, 'An unexpected error occurred.');
    }
    answer(res, record, family, result, def, listed);
  }

  /** Sends `result` after checking it against its schema; an answer that fails it is a bug of the fake, sent as a 500. */
  /** `listed`: the spec's status codes for the request's operation, when the answer is the fake's own (not an injected fault). */
  function answer(res: http.ServerResponse, record: RecordedRequest, family: ErrorFamily, result: RouteResult, def?: RouteDefinition, listed?: ListedStatuses): void {
    if (res.destroyed) {
      // The client went away before the answer was ready (e.g. during a latency fault).
      markAborted(record);
      return;
    }
    if (result.file) {
      record.status = result.status;
      sendFile(res, result.file).catch((error: unknown) => {
        report(`${def?.route ?? record.path} file answer failed: ${(error as Error).message}`);
        res.destroy();
      });
      return;
    }
    const problem =
      def && result.status >= 200 && result.status < 300
        ? checkSuccess(def, result.raw ? undefined : result.body)
        : result.raw
          ? isHtmlError(result) ? undefined : 'a non-JSON error answer that is not an HTML page'
          : checkError(family, result.body);
    if (listed && !isListed(listed, result.status)) {
      report(`${record.route ?? record.path} answered ${result.status}, a status the spec does not list for ${listed.operation}`);
    }
    if (problem) {
      report(`${def?.route ?? record.path} answer ${result.status} fails its schema: ${problem}`);
      result = familyError(family, 500, ERROR_CODES.internal, 'The fake IICS produced an invalid answer (a bug in @iics-jobs/testing).');
    }
    record.status = result.status;
    sendResult(res, result);
  }

  let loginUrl: string;
  try {
    loginUrl = await listen(loginServer, settings.port, settings.host);
    // The POD path ends in /saas, as serverUrl does on real PODs.
    (ctx as { serverUrl: string }).serverUrl = `${await listen(podServer, settings.podPort, settings.host)}/saas`;
  } catch (error) {
    // E.g. the POD port is taken: free the login port too.
    await Promise.all([loginServer, podServer].filter((server) => server.listening).map((server) => new Promise((resolve) => server.close(resolve))));
    throw error;
  }

  const faultsApi = faults.api(() => ctx.sessions.endAll());
  if (settings.dashboard) {
    const sources = { clock, tasks: catalog.list, engine, requests, violations, faults, schedule: settings.schedule, callbacksBusy: () => sender.busy };
    dashboard = new Dashboard(sources, faultsApi);
  }

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort(new Error('the fake IICS was closed'));
      dashboard?.close();
      timers.cancelAll();
      const error = new Error('the fake IICS was closed');
      for (const waiter of runWaiters) waiter.reject(error);
      for (const waiter of idleWaiters) waiter.reject(error);
      await sender.close();
      await Promise.all(
        [loginServer, podServer].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    })();
    return closed;
  };

  const fake: FakeIics = {
    loginUrl,
    serverUrl: ctx.serverUrl,
    baseApiUrl: ctx.serverUrl,
    credentials: Object.freeze({ ...settings.users[0]! }),
    clock,
    tasks: catalog.list,
    requests,
    runs: engine.views,
    fileIngestionRuns: ingestion.views,
    violations,
    warnings,
    addTask: (definition) => catalog.add(definition, 'task'),
    taskflows: taskflows.catalog.list,
    taskflowRuns: taskflows.engine.views,
    addTaskflow: (definition) => taskflows.catalog.add(definition, 'taskflow'),
    waitForRun(taskId, runId, waitOptions = {}) {
      if (typeof taskId !== 'string' || !catalog.byId(taskId)) return Promise.reject(new TypeError(`waitForRun: no task has the id ${JSON.stringify(taskId)}`));
      if (!Number.isSafeInteger(runId) || runId < 1) return Promise.reject(new TypeError(`waitForRun: runId must be an integer >= 1, got ${String(runId)}`));
      const existing = engine.find(taskId, runId);
      if (existing?.ended) return Promise.resolve(existing.view);
      if (!existing && engine.started(taskId, runId)) {
        return Promise.reject(new Error(`waitForRun: run ${runId} of task ${taskId} has ended and left the kept history (maxRecorded ${settings.maxRecorded})`));
      }
      return waitFor<FakeRun, RunWaiter>(runWaiters, waitOptions.signal, closing.signal, (resolve, reject) => ({
        matches: (run: RunRecord) => run.view.taskId === taskId && run.view.runId === runId,
        resolve,
        reject,
      }));
    },
    waitForCallbacks(waitOptions = {}) {
      if (callbacksIdle()) return Promise.resolve();
      return waitFor<void, IdleWaiter>(idleWaiters, waitOptions.signal, closing.signal, (resolve, reject) => ({ resolve, reject }));
    },
    waitForFileIngestionRun(runId, waitOptions = {}) {
      if (typeof runId !== 'string') return Promise.reject(new TypeError(`waitForFileIngestionRun: runId must be a string, got ${typeof runId}`));
      return ingestion.waitFor(runId, waitOptions.signal, closing.signal);
    },
    faults: faultsApi,
    ...(dashboard ? { dashboardUrl: `${loginUrl}${DASHBOARD_PREFIX}` } : {}),
    close,
  };
  return fake;
}

const POD_ONLY: readonly FakeOrigin[] = ['pod'];

/** Listens on host:port (0: a free port); resolves with the origin, e.g. "http://127.0.0.1:4010". */
function listen(server: http.Server, port: number, host: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: thousands of clients connecting at once must wait, not be reset.
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
    });
  });
}

/** Adds a waiter to `set` and removes it once it settles, is aborted, or the fake closes. */
function waitFor<T, W extends { resolve(value: T): void; reject(error: unknown): void }>(
  set: Set<W>,
  signal: AbortSignal | undefined,
  closing: AbortSignal,
  make: (resolve: (value: T) => void, reject: (error: unknown) => void) => W,
): Promise<T> {
  if (closing.aborted) return Promise.reject(new Error('the fake IICS was closed'));
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      set.delete(waiter);
      signal?.removeEventListener('abort', onAbort);
    };
    const waiter = make(
      (value) => {
        done();
        resolve(value);
      },
      (error) => {
        done();
        reject(error);
      },
    );
    const onAbort = (): void => waiter.reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    set.add(waiter);
  });
}

function checkSuccess(def: RouteDefinition, body: unknown): string | undefined {
  if (!def.validate) return body === undefined ? undefined : 'a body where none is expected';
  const checked = def.validate(body);
  return checked.ok ? undefined : formatIssues(checked.errors);
}

function checkError(family: ErrorFamily, body: unknown): string | undefined {
  const checked = family === 'v2' ? parseV2Error(body) : parseV3Error(body);
  return checked.ok ? undefined : formatIssues(checked.errors);
}

function sendResult(res: http.ServerResponse, result: RouteResult): void {
  if (result.raw) {
    const body = typeof result.raw.body === 'string' ? Buffer.from(result.raw.body, 'utf8') : result.raw.body;
    res.writeHead(result.status, { 'content-type': result.raw.contentType, 'content-length': body.byteLength });
    res.end(body);
    return;
  }
  // No body, no JSON content type (v2 logout): a client that reads JSON by the header must not parse ''.
  if (result.status === 204 || result.body === undefined) {
    res.writeHead(result.status, result.status === 204 ? {} : { 'content-length': 0 });
    res.end();
    return;
  }
  const text = result.body === undefined ? '' : jsonWithNumbers(result.body, result.numberKeys ?? []);
  res.writeHead(result.status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The request body; `aborted` when the client went away before sending all of it (not a fault of the fake). */
function readBody(req: http.IncomingMessage): Promise<{ text: string; tooLarge: boolean; aborted: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const done = (aborted: boolean): void => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge, aborted });
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => done(false));
    req.on('error', () => done(true));
    req.on('close', () => {
      if (!req.complete) done(true);
    });
  });
}

type ParsedBody = { ok: true; value: unknown } | { ok: false; status: number; code: 'badRequest' | 'unsupportedMediaType'; message: string };

function parseBody(text: string, contentType: string | undefined): ParsedBody {
  if (text.trim() === '') return { ok: true, value: undefined };
  // IICS reads JSON when no type is given; the fake speaks no XML.
  if (contentType !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    return { ok: false, status: 415, code: 'unsupportedMediaType', message: `Content-Type ${contentType.slice(0, 80)} is not supported: send application/json.` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, code: 'badRequest', message: 'The request body is not valid JSON.' };
  }
}

function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://fake.invalid');
  } catch {
    return undefined;
  }
}

/** Marks a request that got no answer, unless it got one or was dropped by a fault. */
function markAborted(record: RecordedRequest): void {
  if (record.status === undefined && !record.dropped) record.aborted = true;
}

/** Recorded requests never hold a password. */
function maskPassword(body: unknown): unknown {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'password' in body) {
    return { ...body, password: '********' };
  }
  return body;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

interface Settings {
  port: number;
  podPort: number;
  host: string;
  users: FakeUser[];
  sessionIdleMs: number;
  logGapMs: number;
  stopDelayMs: number;
  schedule: number[];
  loginFailureStatus: 400 | 401 | 403;
  lookupMissing: 'error' | 'omit';
  maxRecorded: number;
  objectsRateLimit?: { requests: number; perMs: number };
  fileIngestion: Required<FakeIngestionOptions>;
  taskflowRunIds: 'number' | 'string';
  sessionLogFormat: 'text' | 'zip';
  dashboard: boolean;
  strictRequests: boolean;
}

function checkOptions(options: StartFakeIicsOptions): Settings {
  if (options === null || typeof options !== 'object') throw new TypeError('startFakeIics options must be an object');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  const podPort = options.podPort ?? 0;
  if (!Number.isInteger(podPort) || podPort < 0 || podPort > 65535) throw new RangeError(`podPort must be an integer from 0 to 65535, got ${String(podPort)}`);
  if (podPort !== 0 && podPort === port) throw new RangeError(`podPort must differ from port (${port}): the login host and the POD host are two listeners`);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new TypeError('host must be a non-empty string such as "127.0.0.1"');
  if (options.tasks !== undefined && !Array.isArray(options.tasks)) throw new TypeError('tasks must be an array of task definitions');
  const users = options.users ?? [{ ...DEFAULT_USER }];
  if (!Array.isArray(users) || users.length === 0) throw new TypeError('users must be a non-empty array of { username, password }');
  users.forEach((user, i) => {
    if (!user || typeof user.username !== 'string' || user.username === '' || user.username.length > 255) {
      throw new TypeError(`users[${i}].username must be a string of 1 to 255 characters`);
    }
    if (typeof user.password !== 'string' || user.password === '' || user.password.length > 255) {
      throw new TypeError(`users[${i}].password must be a string of 1 to 255 characters`);
    }
  });
  if (options.clock !== undefined) {
    const c = options.clock as Partial<Clock> | null;
    if (!c || typeof c.now !== 'function' || typeof c.setTimeout !== 'function' || typeof c.sleep !== 'function' || typeof c.timeScale !== 'number') {
      throw new TypeError('clock must be a Clock (now, setTimeout, sleep, timeScale), e.g. from createClock()');
    }
  }
  const schedule = checkDelays(options.callbackRetrySchedule ?? callbackRetrySchedule(), 'callbackRetrySchedule');
  const loginFailureStatus = options.loginFailureStatus ?? 403;
  if (![400, 401, 403].includes(loginFailureStatus)) throw new RangeError(`loginFailureStatus must be 400, 401 or 403, got ${String(loginFailureStatus)}`);
  const lookupMissing = options.lookupMissing ?? 'error';
  if (lookupMissing !== 'error' && lookupMissing !== 'omit') throw new TypeError(`lookupMissing must be "error" or "omit", got ${String(lookupMissing)}`);
  const sessionLogFormat = options.sessionLogFormat ?? 'text';
  if (sessionLogFormat !== 'text' && sessionLogFormat !== 'zip') throw new TypeError(`sessionLogFormat must be "text" or "zip", got ${String(sessionLogFormat)}`);
  const maxRecorded = options.maxRecorded ?? Number.POSITIVE_INFINITY;
  if (maxRecorded !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(maxRecorded) && maxRecorded >= 0)) {
    throw new RangeError(`maxRecorded must be an integer >= 0 or Infinity, got ${String(maxRecorded)}`);
  }
  const taskflowRunIds = options.taskflowRunIds ?? 'number';
  if (taskflowRunIds !== 'number' && taskflowRunIds !== 'string') throw new TypeError(`taskflowRunIds must be "number" or "string", got ${String(taskflowRunIds)}`);
  const strictRequests = options.strictRequests ?? false;
  if (typeof strictRequests !== 'boolean') throw new TypeError(`strictRequests must be true or false, got ${String(strictRequests)}`);
  return {
    strictRequests,
    taskflowRunIds,
    port,
    podPort,
    host,
    users: users.map((user) => ({ username: user.username, password: user.password })),
    sessionIdleMs: checkMs(options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS, 'sessionIdleMs', 'above0'),
    logGapMs: checkMs(options.logGapMs ?? 0, 'logGapMs', 'atLeast0'),
    stopDelayMs: checkMs(options.stopDelayMs ?? DEFAULT_STOP_DELAY_MS, 'stopDelayMs', 'atLeast0'),
    schedule: [...schedule],
    loginFailureStatus,
    lookupMissing,
    maxRecorded,
    ...optionalRateLimit(checkRateLimit(options.objectsRateLimit)),
    fileIngestion: checkIngestionOptions(options.fileIngestion),
    sessionLogFormat,
    dashboard: checkDashboard(options.dashboard),
  };
}

function checkDashboard(value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`dashboard must be true or false, got ${String(value)}`);
  return value ?? true;
}

function optionalRateLimit(limit: { requests: number; perMs: number } | undefined): { objectsRateLimit?: { requests: number; perMs: number } } {
  return limit ? { objectsRateLimit: limit } : {};
}
