import type { ParseResult } from '@iics-jobs/schema';
import type { Clock } from '../clock.js';
import type { V2IdFactory } from '../ids.js';
import type { IngestionEngine } from './ingestion/runs.js';
import type { FakeIngestionOptions } from './ingestion/types.js';
import type { ErrorFamily, RouteResult } from './errors.js';
import type { RunEngine } from './runs.js';
import type { SessionStore } from './sessions.js';
import type { TaskCatalog } from './tasks.js';
import type { TaskflowCatalog } from './taskflows/catalog.js';
import type { TaskflowEngine } from './taskflows/engine.js';
import type { FakeRoute, FakeUser } from './types.js';

/** The state of one fake that route handlers read and change. */
export interface FakeContext {
  readonly clock: Clock;
  readonly ids: V2IdFactory;
  readonly orgId: string;
  readonly orgUuid: string;
  readonly serverUrl: string;
  readonly users: readonly FakeUser[];
  readonly sessions: SessionStore;
  readonly catalog: TaskCatalog;
  readonly engine: RunEngine;
  /** Runs of file ingestion tasks (MI_TASK). */
  readonly ingestion: IngestionEngine;
  readonly ingestionForm: Required<Omit<FakeIngestionOptions, 'firstRunId'>>;
  readonly loginFailureStatus: 400 | 401 | 403;
  readonly lookupMissing: 'error' | 'omit';
  /** Set when the fake was started with `objectsRateLimit`. */
  readonly objectsRateLimit?: { take(now: number): boolean };
  /** Published advanced taskflows and their runs (/active-bpel). */
  readonly taskflows: { readonly catalog: TaskflowCatalog; readonly engine: TaskflowEngine };
  readonly taskflowRunIds: 'number' | 'string';
  /** How a task's session log is answered (a taskflow's is always a zip). */
  readonly sessionLogFormat: 'text' | 'zip';
  /** Set by `strictRequests`: an unknown member of a request body is a 400, not a warning. */
  readonly strictRequests: boolean;
  /** Stable ids for users, projects and folders, made on first use. */
  stableId(key: string, make: () => string): string;
}

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The parsed JSON body; undefined for none. */
  readonly body: unknown;
  /** Route parameter: the id of `/activityLog/{id}`. */
  readonly param?: string;
  /** Set for routes that need a session. */
  readonly username?: string;
  readonly sessionId?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Adds a line to `fake.warnings` and to this request's record: something IICS accepts but a test may want to know. */
  warn(message: string): void;
}

/**
 * Which listener serves a route. As in a real org, the login host ("login") and the POD host
 * ("pod", named by serverUrl / baseApiUrl) are two origins: a client that builds API URLs from
 * the login host gets 404 there. More can be served on the login origin (e.g. the fake's own
 * pages) by giving a route `origin: 'login'`.
 */
export type FakeOrigin = 'login' | 'pod';

export interface RouteDefinition {
  readonly route: Exclude<FakeRoute, '*'>;
  readonly family: ErrorFamily;
  /** Default "pod". */
  readonly origins?: readonly FakeOrigin[];
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Needs a session header. */
  readonly auth: boolean;
  /** The one session header this route reads (lower case); default icSessionId or INFA-SESSION-ID. */
  readonly sessionHeader?: string;
  /** Matches the path; returns the route parameter ('' when none) or undefined. */
  match(path: string): string | undefined;
  handle(ctx: FakeContext, request: FakeRequest): RouteResult;
  /** Checks a 200 answer's body against the schema. */
  validate?(body: unknown): ParseResult<unknown>;
}

export function exactPath(expected: string): (path: string) => string | undefined {
  return (path) => (path === expected ? '' : undefined);
}

/** Validates every element of an array answer. */
export function eachOf(parse: (input: unknown) => ParseResult<unknown>): (body: unknown) => ParseResult<unknown> {
  return (body) => {
    if (!Array.isArray(body)) return { ok: false, errors: [{ path: '', message: 'expected an array' }] };
    for (const [i, item] of body.entries()) {
      const result = parse(item);
      if (!result.ok) return { ok: false, errors: result.errors.map((e) => ({ path: `/${i}${e.path}`, message: e.message })) };
    }
    return { ok: true, value: body };
  };
}
