import type { Clock } from '../clock.js';
import type { DeliveryAttempt } from '../deliver.js';
import type { FakeIngestionFile, FakeIngestionFileDefinition, FakeIngestionOptions, FakeIngestionRoute, FakeIngestionRun } from './ingestion/types.js';
import type { FakeTaskflow, FakeTaskflowDefinition, FakeTaskflowRun } from './taskflows/types.js';

/** The v2 job task types, and MI_TASK: a file ingestion and replication task (run through /mftsaas, see ingestion/). */
export type FakeTaskType = 'DMASK' | 'DRS' | 'DSS' | 'MTT' | 'PCS' | 'WORKFLOW' | 'MI_TASK';
export type FakeOutcome = 'success' | 'warning' | 'failed';

export interface FakeTaskDefinition {
  name: string;
  type: FakeTaskType;
  /** v2 id; generated (20 characters, real shape) when omitted. */
  id?: string;
  /** Federated id; generated (22 characters) when omitted. */
  federatedId?: string;
  /** Project, folders and name, e.g. "Sales/TEST/MT_Load"; default "Default/<name>". */
  path?: string;
  /** Fake ms from start to end (default 30 000). */
  durationMs?: number;
  /** Fake ms spent QUEUED, then INITIALIZED, before RUNNING (default 2 000; at most durationMs). */
  queuedMs?: number;
  /** Default "success". */
  outcome?: FakeOutcome;
  /** Default true; false: a second start while a run is active is refused (403 v2 error). */
  parallel?: boolean;
  /** The session log is padded with row lines to at least this many bytes (default 0: a few dozen lines). */
  sessionLogBytes?: number;
  /** WORKFLOW only: its tasks, run in order (default: two mapping tasks). */
  children?: FakeTaskDefinition[];
  /** MI_TASK only: the files a run transfers, one after the other (default: two files). */
  files?: ReadonlyArray<string | FakeIngestionFileDefinition>;
  /** MI_TASK only: the body of `GET /mftsaas/api/v1/job/<runId>/logs` (default: a zip holding a text log of the run). */
  logs?: { contentType?: string; body: string | Uint8Array };
}

/** A task as the fake resolved it: ids and path filled in. */
export interface FakeTask {
  readonly name: string;
  readonly type: FakeTaskType;
  readonly id: string;
  readonly federatedId: string;
  readonly path: string;
  readonly durationMs: number;
  readonly queuedMs: number;
  readonly outcome: FakeOutcome;
  readonly parallel: boolean;
  readonly sessionLogBytes: number;
  readonly children: readonly FakeTask[];
  /** MI_TASK only: the files a run transfers. */
  readonly files?: readonly FakeIngestionFile[];
  /** MI_TASK only: the logs body given in the definition. */
  readonly logs?: { readonly contentType: string; readonly body: Uint8Array };
}

export type FakeRoute =
  | 'loginV2'
  | 'loginV3'
  | 'logout'
  | 'validSessionId'
  | 'serverTime'
  | 'job'
  | 'stop'
  | 'activityMonitor'
  | 'activityLog'
  | 'sessionLog'
  | 'errorLog'
  | 'lookup'
  | 'objects'
  | FakeIngestionRoute
  | 'taskflowRun'
  | 'taskflowStatus'
  | 'taskflowTerminate'
  | 'taskflowResume'
  | '*';

export interface RecordedRequest {
  /** Fake-clock epoch ms when the request arrived. */
  at: number;
  /** The listener it came to: the login host (`loginUrl`) or the POD host (`serverUrl`). */
  origin: 'login' | 'pod';
  method: string;
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body (a password is masked), the raw text when it was not JSON, or undefined. */
  body: unknown;
  /** The status answered; undefined while pending, or when the request was dropped or aborted. */
  status?: number;
  /** The route the request matched, if any. */
  route?: Exclude<FakeRoute, '*'>;
  /** What the fake accepted but noted about this request (as in `fake.warnings`), e.g. an ignored unknown member. */
  warnings?: string[];
  /** True when a `dropNext` fault destroyed the connection. */
  dropped?: boolean;
  /**
   * True when no answer could be sent: the client went away first (e.g. in the middle of its body
   * or during a latency fault), or the fake was closed. Every request ends with `status`,
   * `dropped` or `aborted`.
   */
  aborted?: boolean;
}

/** QUEUED, INITIALIZED, RUNNING, STOPPING while active; SUCCESS, WARNING or FAILED once ended. */
export type FakeRunState = 'QUEUED' | 'INITIALIZED' | 'RUNNING' | 'STOPPING' | 'SUCCESS' | 'WARNING' | 'FAILED';

export interface FakeCallbackAttempt extends DeliveryAttempt {
  /** Which delivery of the callback (0; 1, 2, ... with `faults.duplicateCallbacks`). */
  delivery: number;
}

export interface FakeRun {
  readonly taskId: string;
  readonly taskName: string;
  readonly taskType: FakeTaskType;
  readonly runId: number;
  readonly state: FakeRunState;
  /** Fake-clock epoch ms. */
  readonly startedAt: number;
  readonly endedAt?: number;
  /** `state` as the activity log writes it, once ended: 1 success, 2 warning, 3 failed. */
  readonly activityState?: 1 | 2 | 3;
  readonly callbackURL?: string;
  readonly callbackDeliveries: readonly FakeCallbackAttempt[];
  /** Once the callback deliveries settled: whether one got a 200. */
  readonly callbackDelivered?: boolean;
  /** The user that started the run. */
  readonly startedBy: string;
  /** Set when the run was stopped through the API. */
  readonly stoppedBy?: string;
  readonly cleanStop?: boolean;
  readonly parameterFileName?: string;
  readonly parameterFileDir?: string;
  /** For a task run by a linear taskflow: the taskflow's run. */
  readonly parent?: { readonly taskId: string; readonly runId: number };
  /** For a linear taskflow: the runs of its tasks, in order, as far as they started. */
  readonly children: readonly FakeRun[];
}

export interface FakeUser {
  username: string;
  password: string;
}

export interface StartFakeIicsOptions {
  /** Port of the login host (`loginUrl`); default 0 (any free port). */
  port?: number;
  /** Port of the POD host that `serverUrl` / `baseApiUrl` name; default 0 (any free port). */
  podPort?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default: a few sample tasks (MT_Load, MT_Warning, MT_Fail, DSS_Sync, PCS_Nightly, LT_Nightly, MT_Sales). */
  tasks?: Array<FakeTaskDefinition | FakeTaskflowDefinition>;
  /** How taskflow run ids go on the wire: JSON numbers (default; the status resource documents a Long) or strings. */
  taskflowRunIds?: 'number' | 'string';
  /** Default one user; `credentials` is users[0]. */
  users?: FakeUser[];
  /** Real ms per fake ms (default 1). Ignored when `clock` is given. */
  timeScale?: number;
  clock?: Clock;
  /** Fake ms of inactivity after which a session expires (default 30 minutes). */
  sessionIdleMs?: number;
  /** Fake ms a finished run is in neither the monitor nor the log (default 0). */
  logGapMs?: number;
  /** Delays before callback attempts 2, 3, ... (default `callbackRetrySchedule()`). */
  callbackRetrySchedule?: number[];
  /** HTTP status of a wrong-credentials login (default 403, as the UI_10000 error object says; some PODs answer 400). */
  loginFailureStatus?: 400 | 401 | 403;
  /** Lookup of a path or id that does not exist: a 404 v3 error (default) or an answer without that object. */
  lookupMissing?: 'error' | 'omit';
  /** v3 objects' dynamic rate limit: more than `requests` within `perMs` fake ms get 429 "too many requests" (default: none). */
  objectsRateLimit?: { requests: number; perMs: number };
  /** Fake ms between a stop request and the run's end (default 1 000). */
  stopDelayMs?: number;
  /**
   * At most this many entries each in `requests` and `runs` (default Infinity: everything is kept).
   * The oldest requests go first; of the runs, the oldest that have ended (a taskflow with its
   * tasks), which then also leave the activity log. Runs that have not ended are always kept.
   */
  maxRecorded?: number;
  /** The form of the file ingestion answers whose real shape is UNCONFIRMED. */
  fileIngestion?: FakeIngestionOptions;
  /**
   * How `GET /activityLog/{id}/sessionLog` answers a task's log: "text" (default, text/plain) or
   * "zip" (application/zip holding the .log), as real PODs do both. A taskflow's logs are a zip.
   */
  sessionLogFormat?: 'text' | 'zip';
  /** The live page at `dashboardUrl` (`/_fake/` on the login host) and its JSON API; default true. */
  dashboard?: boolean;
  /**
   * Request bodies with a member the spec does not list: accepted, the member ignored and noted in
   * `warnings` (default false, as the real service ignores them), or refused with a 400 naming the
   * member (true). Members of the v2 job object that clients send (`runId`, `callbackURL` on a stop)
   * are listed in the spec and accepted either way.
   */
  strictRequests?: boolean;
}

export interface FakeFaults {
  /** Added delay per request of the route: real ms by default, or fake ms (scaled by the clock) with unit "fake". */
  latency(route: FakeRoute, fakeOrRealMs: number, unit?: 'real' | 'fake'): void;
  /** The next `count` requests of the route are answered `status` (default 503) with the route's error object. */
  failNext(route: FakeRoute, count: number, status?: number): void;
  /** The next `count` requests of the route get no answer: the connection is destroyed. */
  dropNext(route: FakeRoute, count: number): void;
  /** Every session is invalid from now on (401 on next use). */
  expireSessions(): void;
  /** Each callback sent from now on is delivered 1 + `extra` times, one after the other or all at once. */
  duplicateCallbacks(extra: number, mode?: 'sequential' | 'concurrent'): void;
  /** Removes latency, pending failures and drops, and callback duplication. */
  reset(): void;
}

export interface FakeIics {
  /** "http://127.0.0.1:<port>": the origin of the login host. It serves login (v2, v3) and v3 logout; anything else there is a 404. */
  readonly loginUrl: string;
  /**
   * "http://127.0.0.1:<podPort>/saas": the POD host, on its own listener, as v2 login returns it
   * (`serverUrl`). Every resource but login is only here.
   */
  readonly serverUrl: string;
  /** What v3 login returns as `products[].baseApiUrl`: the same as `serverUrl`, as on real PODs. */
  readonly baseApiUrl: string;
  readonly credentials: { readonly username: string; readonly password: string };
  readonly clock: Clock;
  readonly tasks: readonly FakeTask[];
  /** The requests received, oldest first (the last `maxRecorded`). */
  readonly requests: readonly RecordedRequest[];
  /** The runs, oldest first (at most `maxRecorded`, beside runs that have not ended). */
  readonly runs: readonly FakeRun[];
  /** Responses or callbacks the fake produced that failed their own schema: always empty unless the fake has a bug. */
  readonly violations: readonly string[];
  /**
   * What the fake accepted but a test may want to know, oldest first (the last `maxRecorded`): e.g.
   * "POST /saas/api/v2/job: ignored unknown member /priority". Empty with `strictRequests`, which refuses those.
   */
  readonly warnings: readonly string[];
  /** The runs of file ingestion tasks (MI_TASK), oldest first. */
  readonly fileIngestionRuns: readonly FakeIngestionRun[];
  addTask(definition: FakeTaskDefinition): FakeTask;
  /** The published advanced taskflows (`{ type: 'TASKFLOW' }` definitions), served under /active-bpel on the POD host. */
  readonly taskflows: readonly FakeTaskflow[];
  /** The taskflow runs, oldest first. Taskflows send no callbacks. */
  readonly taskflowRuns: readonly FakeTaskflowRun[];
  addTaskflow(definition: FakeTaskflowDefinition): FakeTaskflow;
  /** Resolves with the run once it has ended; rejects for a run that has left `runs` (see `maxRecorded`). */
  waitForRun(taskId: string, runId: number, options?: { signal?: AbortSignal }): Promise<FakeRun>;
  /** Resolves once every run with a callbackURL has ended and all its callback deliveries have settled. */
  waitForCallbacks(options?: { signal?: AbortSignal }): Promise<void>;
  /** Resolves with the file ingestion run once it has ended. */
  waitForFileIngestionRun(runId: string, options?: { signal?: AbortSignal }): Promise<FakeIngestionRun>;
  readonly faults: FakeFaults;
  /**
   * "http://127.0.0.1:<port>/_fake/": a live page of the tasks, runs, requests and callback attempts,
   * with its JSON API under `/_fake/api/`. Undefined with `dashboard: false`.
   */
  readonly dashboardUrl?: string;
  /** Stops timers, pending callbacks and the server. */
  close(): Promise<void>;
}
