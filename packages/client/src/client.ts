import { inspect } from 'node:util';
import { ApiClient } from './api.js';
import { IicsClientClosedError } from './errors.js';
import { HttpTransport } from './http.js';
import { FileIngestion } from './ingestion/file-ingestion.js';
import type {
  FileIngestionLogs,
  FileIngestionStartRequest,
  FileIngestionStatus,
  FileIngestionWaitOptions,
  StartedFileIngestion,
} from './ingestion/types.js';
import { Jobs, type StartJobRequest, type StartedJob, type StatusOptions, type StopJobRequest } from './jobs.js';
import { TaskLookup, type CallOptions, type TaskInfo, type TaskLookupRequest } from './lookup.js';
import { resolveOptions, type ApiVersion, type IicsClientOptions } from './options.js';
import { Secrets } from './secrets.js';
import { SessionManager } from './session.js';
import type { JobRef, JobStatus } from './status.js';
import type { WaitOptions, WaitResult } from './wait.js';
import type { SuccessResponse } from '@iics-jobs/schema';

export interface IicsJobsApi {
  start(request: StartJobRequest, options?: CallOptions): Promise<StartedJob>;
  stop(request: StopJobRequest, options?: CallOptions): Promise<SuccessResponse>;
  status(ref: JobRef, options?: StatusOptions): Promise<JobStatus>;
  wait(ref: JobRef, options?: WaitOptions): Promise<WaitResult>;
  run(request: StartJobRequest, options?: WaitOptions): Promise<WaitResult>;
}

export interface IicsTasksApi {
  lookup(request: TaskLookupRequest, options?: CallOptions): Promise<TaskInfo>;
}

/** File ingestion and replication tasks (MI_TASK). Run ids are strings. */
export interface IicsFileIngestionApi {
  start(request: FileIngestionStartRequest, options?: CallOptions): Promise<StartedFileIngestion>;
  status(runId: string, options?: CallOptions): Promise<FileIngestionStatus>;
  wait(runId: string, options?: FileIngestionWaitOptions): Promise<FileIngestionStatus>;
  run(request: FileIngestionStartRequest, options?: FileIngestionWaitOptions): Promise<FileIngestionStatus>;
  logs(runId: string, options?: CallOptions): Promise<FileIngestionLogs>;
}

export interface IicsClient {
  readonly jobs: IicsJobsApi;
  readonly tasks: IicsTasksApi;
  readonly fileIngestion: IicsFileIngestionApi;
  /** The login host this client talks to (no credentials). */
  readonly loginUrl: string;
  readonly apiVersion: ApiVersion;
  /** Logs in now, unless a session is open (every call does it when needed; this makes it a step of its own). */
  login(options?: CallOptions): Promise<void>;
  /** Ends the IICS session, if one is open. The next call logs in again. */
  logout(options?: CallOptions): Promise<void>;
  /** Logs out (best effort) and closes the client's own connections; later calls fail with IICS_CLIENT_CLOSED. */
  close(): Promise<void>;
}

/**
 * Creates a client. Options are checked at once; nothing is sent until the first call, which logs in.
 * The password and session ids stay in private fields: they show in no error, log line, toString or inspect.
 */
export function createIicsClient(options: IicsClientOptions): IicsClient {
  const resolved = resolveOptions(options);
  const secrets = new Secrets();
  const http = new HttpTransport({
    ...(resolved.dispatcher ? { dispatcher: resolved.dispatcher } : {}),
    connectTimeoutMs: resolved.timeouts.connectMs,
    userAgent: resolved.userAgent,
    secrets,
  });
  const sessions = new SessionManager(resolved, http, secrets);
  const api = new ApiClient(resolved, http, sessions, secrets);
  const lookup = new TaskLookup(api, resolved.logger);
  const jobs = new Jobs(api, lookup, resolved.logger);
  const fileIngestion = new FileIngestion({ api, lookup, logger: resolved.logger });
  const summary = `IicsClient { loginUrl: '${resolved.loginUrl.origin}', apiVersion: '${resolved.apiVersion}', username: '${resolved.username}' }`;

  // Every public method refuses to run once the client is closed.
  const open =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (http.closed) throw new IicsClientClosedError();
      return fn(...args);
    };

  const client: IicsClient = {
    jobs: Object.freeze({
      start: open((request: StartJobRequest, o?: CallOptions) => jobs.start(request, o)),
      stop: open((request: StopJobRequest, o?: CallOptions) => jobs.stop(request, o)),
      status: open((ref: JobRef, o?: StatusOptions) => jobs.status(ref, o)),
      wait: open((ref: JobRef, o?: WaitOptions) => jobs.wait(ref, o)),
      run: open((request: StartJobRequest, o?: WaitOptions) => jobs.run(request, o)),
    } satisfies IicsJobsApi),
    tasks: Object.freeze({
      lookup: open((request: TaskLookupRequest, o?: CallOptions) => lookup.lookup(request, o)),
    } satisfies IicsTasksApi),
    fileIngestion: Object.freeze({
      start: open((request: FileIngestionStartRequest, o?: CallOptions) => fileIngestion.start(request, o)),
      status: open((runId: string, o?: CallOptions) => fileIngestion.status(runId, o)),
      wait: open((runId: string, o?: FileIngestionWaitOptions) => fileIngestion.wait(runId, o)),
      run: open((request: FileIngestionStartRequest, o?: FileIngestionWaitOptions) => fileIngestion.run(request, o)),
      logs: open((runId: string, o?: CallOptions) => fileIngestion.logs(runId, o)),
    } satisfies IicsFileIngestionApi),
    loginUrl: resolved.loginUrl.origin,
    apiVersion: resolved.apiVersion,
    login: open(async (o?: CallOptions) => void (await sessions.get(o?.signal))),
    logout: open((o?: CallOptions) => sessions.logout(o?.signal)),
    close: async () => {
      if (http.closed) return;
      sessions.abort();
      try {
        await sessions.logout(AbortSignal.timeout(Math.min(resolved.timeouts.requestMs, 5_000)));
      } catch (error) {
        resolved.logger.debug?.('Logout on close failed; closing anyway', { error: error instanceof Error ? error.message : String(error) });
      } finally {
        await http.close();
      }
    },
  };
  // Only a summary: the closures above hold the password and session, and stay out of sight.
  Object.defineProperties(client, {
    toString: { value: () => summary },
    toJSON: { value: () => ({ loginUrl: resolved.loginUrl.origin, apiVersion: resolved.apiVersion, username: resolved.username }) },
    [inspect.custom]: { value: () => summary },
  });
  return Object.freeze(client);
}
