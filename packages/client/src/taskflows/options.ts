import { IicsInvalidArgumentError } from '../errors.js';
import { describe } from '../options.js';

/** Session headers an active-bpel resource may take (which ones a real org accepts is unconfirmed). */
export const TASKFLOW_SESSION_HEADERS = ['INFA-SESSION-ID', 'IDS-SESSION-ID', 'icSessionId'] as const;

/**
 * How taskflow calls authenticate: the client's own session (default, header `INFA-SESSION-ID`), or basic
 * auth with a user that the taskflow allows (Informatica's documented way to run a published taskflow).
 */
export type TaskflowAuth =
  | { type: 'session'; header?: (typeof TASKFLOW_SESSION_HEADERS)[number] }
  | { type: 'basic'; username: string; password: string };

export interface TaskflowOptions {
  /** Where /active-bpel lives; undefined: the POD host (the login's serverUrl / baseApiUrl without /saas). */
  baseUrl?: string;
  auth: { type: 'session'; header: (typeof TASKFLOW_SESSION_HEADERS)[number] } | { type: 'basic'; authorization: string; password: string };
}

/** Checks `taskflowBaseUrl` and `taskflowAuth` of the client options, before any request. */
export function resolveTaskflowOptions(o: { taskflowBaseUrl?: unknown; taskflowAuth?: unknown }): TaskflowOptions {
  const out: TaskflowOptions = { auth: { type: 'session', header: 'INFA-SESSION-ID' } };
  if (o.taskflowBaseUrl !== undefined) out.baseUrl = baseUrl(o.taskflowBaseUrl);
  const auth = o.taskflowAuth;
  if (auth === undefined) return out;
  if (auth === null || typeof auth !== 'object' || Array.isArray(auth)) {
    throw new IicsInvalidArgumentError('taskflowAuth', 'taskflowAuth must be { type: "session", header? } or { type: "basic", username, password }.');
  }
  const a = auth as Record<string, unknown>;
  if (a.type === 'session') {
    extraKeys(a, ['type', 'header']);
    const header = a.header ?? 'INFA-SESSION-ID';
    if (!(TASKFLOW_SESSION_HEADERS as readonly unknown[]).includes(header)) {
      throw new IicsInvalidArgumentError('taskflowAuth.header', `taskflowAuth.header must be one of ${TASKFLOW_SESSION_HEADERS.join(', ')} (got ${describe(header)}).`);
    }
    out.auth = { type: 'session', header: header as (typeof TASKFLOW_SESSION_HEADERS)[number] };
    return out;
  }
  if (a.type === 'basic') {
    extraKeys(a, ['type', 'username', 'password']);
    for (const field of ['username', 'password'] as const) {
      // Present but empty is an error, never "no authentication".
      if (typeof a[field] !== 'string' || a[field] === '') {
        throw new IicsInvalidArgumentError(`taskflowAuth.${field}`, `taskflowAuth.${field} must be a non-empty string: a user the taskflow allows.`);
      }
    }
    if ((a.username as string).includes(':')) throw new IicsInvalidArgumentError('taskflowAuth.username', 'taskflowAuth.username must not contain ":" (basic auth cannot carry it).');
    const authorization = `Basic ${Buffer.from(`${a.username as string}:${a.password as string}`, 'utf8').toString('base64')}`;
    out.auth = { type: 'basic', authorization, password: a.password as string };
    return out;
  }
  throw new IicsInvalidArgumentError('taskflowAuth.type', `taskflowAuth.type must be "session" or "basic" (got ${describe(a.type)}).`);
}

function baseUrl(value: unknown): string {
  const example = 'e.g. "https://usw3-cai.dm-us.informaticacloud.com"';
  if (typeof value !== 'string' || value.trim() === '') {
    throw new IicsInvalidArgumentError('taskflowBaseUrl', `taskflowBaseUrl must be the host that serves /active-bpel, ${example}.`);
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new IicsInvalidArgumentError('taskflowBaseUrl', `taskflowBaseUrl is not a URL, ${example}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new IicsInvalidArgumentError('taskflowBaseUrl', `taskflowBaseUrl must use https, ${example}.`);
  if (url.username || url.password) throw new IicsInvalidArgumentError('taskflowBaseUrl', 'taskflowBaseUrl must not contain credentials; use taskflowAuth.');
  if (url.search || url.hash) throw new IicsInvalidArgumentError('taskflowBaseUrl', 'taskflowBaseUrl must have no query or fragment.');
  // The Properties Detail URL ends in /active-bpel/rt/<name>; only the part before /active-bpel is the base.
  const path = url.pathname.replace(/\/active-bpel(\/.*)?$/, '').replace(/\/+$/, '');
  return `${url.origin}${path}`;
}

function extraKeys(value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new IicsInvalidArgumentError(`taskflowAuth.${key}`, `Unknown option "taskflowAuth.${key}"; it takes ${allowed.join(', ')}.`);
  }
}
