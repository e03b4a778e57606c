import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import { IicsInvalidArgumentError } from './errors.js';
import type { TaskflowAuth } from './taskflows/options.js';

export type ApiVersion = 'v2' | 'v3';

/** Where the client reports what it does. Every method is optional; messages never hold a password or session id. */
export interface IicsLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export interface IicsTimeouts {
  /** Opening a connection (only applies to the client's own dispatcher). Default 10 000 ms. */
  connectMs?: number;
  /** One request, from sending it to the last byte of the answer. Default 60 000 ms. */
  requestMs?: number;
  /** One login request. Default 30 000 ms. */
  loginMs?: number;
}

export interface IicsRetryOptions {
  /** Retries after the first attempt of a read (monitor, log, lookup, login). Default 5; 0 turns retrying off. */
  retries?: number;
  /** Back-off before the first retry; it doubles (`factor`) each time. Default 500 ms. */
  minDelayMs?: number;
  /** Cap of one back-off, also applied to `Retry-After`. Default 30 000 ms. */
  maxDelayMs?: number;
  /** Growth of the back-off per retry. Default 2. */
  factor?: number;
}

export interface IicsClientOptions {
  /** Origin of the POD's login host, e.g. `https://dm-us.informaticacloud.com`. */
  loginUrl: string;
  username: string;
  password: string;
  /** Which login resource to use. Default "v2". Either session works for every resource. */
  apiVersion?: ApiVersion;
  /** An undici dispatcher to send requests through (a MockAgent in tests, a ProxyAgent, ...). Not closed by `close()`. */
  dispatcher?: Dispatcher;
  timeouts?: IicsTimeouts;
  retry?: IicsRetryOptions;
  /** The User-Agent header. Default `iics-jobs-client/<version> node/<version>`. */
  userAgent?: string;
  logger?: IicsLogger;
  /** Where advanced taskflows are served (a CAI host, from the taskflow's Properties Detail). Default: the POD host, serverUrl without /saas. */
  taskflowBaseUrl?: string;
  /** How taskflow calls authenticate. Default: the session, in the INFA-SESSION-ID header. */
  taskflowAuth?: TaskflowAuth;
}

export interface ResolvedOptions {
  loginUrl: URL;
  username: string;
  password: string;
  apiVersion: ApiVersion;
  dispatcher?: Dispatcher;
  timeouts: Required<IicsTimeouts>;
  retry: Required<IicsRetryOptions>;
  userAgent: string;
  logger: IicsLogger;
}

/**
 * This package's version, read from its own package.json at run time so that a release bump
 * (`nx release`) shows in the User-Agent and `iics-job --version` without a code change.
 * "../package.json" is the package root from both src/ (tests) and dist/ (the published build).
 */
export const CLIENT_VERSION: string = readOwnVersion();

function readOwnVersion(): string {
  const pkg: unknown = createRequire(import.meta.url)('../package.json');
  const version = pkg !== null && typeof pkg === 'object' ? (pkg as { version?: unknown }).version : undefined;
  return typeof version === 'string' && version !== '' ? version : 'unknown';
}

export const KNOWN_OPTIONS = ['loginUrl', 'username', 'password', 'apiVersion', 'dispatcher', 'timeouts', 'retry', 'userAgent', 'logger', 'taskflowBaseUrl', 'taskflowAuth'];
/** The largest `timeouts.*` value (one day). */
export const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_TIMEOUTS: Required<IicsTimeouts> = { connectMs: 10_000, requestMs: 60_000, loginMs: 30_000 };
export const DEFAULT_RETRY: Required<IicsRetryOptions> = { retries: 5, minDelayMs: 500, maxDelayMs: 30_000, factor: 2 };

/** Checks every option at once, before any request, with a message that says what to pass instead. */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new IicsInvalidArgumentError(
      'options',
      'createIicsClient needs an options object: { loginUrl, username, password }.',
    );
  }
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.includes(key)) {
      throw new IicsInvalidArgumentError(key, `Unknown option "${key}"; the options are ${KNOWN_OPTIONS.join(', ')}.`);
    }
  }

  const loginUrl = parseLoginUrl(o.loginUrl);
  const username = requireCredential(o.username, 'username');
  const password = requireCredential(o.password, 'password');

  const apiVersion = o.apiVersion ?? 'v2';
  if (apiVersion !== 'v2' && apiVersion !== 'v3') {
    throw new IicsInvalidArgumentError('apiVersion', `apiVersion must be "v2" or "v3" (got ${describe(apiVersion)}).`);
  }

  const dispatcher = o.dispatcher;
  if (dispatcher !== undefined && (dispatcher === null || typeof (dispatcher as Dispatcher).dispatch !== 'function')) {
    throw new IicsInvalidArgumentError(
      'dispatcher',
      'dispatcher must be an undici Dispatcher (an Agent, Pool, ProxyAgent or MockAgent), or left out.',
    );
  }

  const timeouts = { ...DEFAULT_TIMEOUTS, ...plainObject(o.timeouts, 'timeouts', Object.keys(DEFAULT_TIMEOUTS)) };
  for (const [key, value] of Object.entries(timeouts)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
      throw new IicsInvalidArgumentError(
        `timeouts.${key}`,
        `timeouts.${key} must be a number of milliseconds between 1 and ${MAX_TIMEOUT_MS} (got ${describe(value)}).`,
      );
    }
  }

  const retry = { ...DEFAULT_RETRY, ...plainObject(o.retry, 'retry', Object.keys(DEFAULT_RETRY)) };
  if (!Number.isInteger(retry.retries) || retry.retries < 0 || retry.retries > 100) {
    throw new IicsInvalidArgumentError('retry.retries', `retry.retries must be an integer from 0 to 100 (got ${describe(retry.retries)}).`);
  }
  for (const key of ['minDelayMs', 'maxDelayMs'] as const) {
    const value = retry[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMEOUT_MS) {
      throw new IicsInvalidArgumentError(`retry.${key}`, `retry.${key} must be a number of milliseconds, 0 or more (got ${describe(value)}).`);
    }
  }
  if (retry.maxDelayMs < retry.minDelayMs) {
    throw new IicsInvalidArgumentError('retry.maxDelayMs', `retry.maxDelayMs (${retry.maxDelayMs}) must not be below retry.minDelayMs (${retry.minDelayMs}).`);
  }
  if (typeof retry.factor !== 'number' || !Number.isFinite(retry.factor) || retry.factor < 1 || retry.factor > 10) {
    throw new IicsInvalidArgumentError('retry.factor', `retry.factor must be a number from 1 to 10 (got ${describe(retry.factor)}).`);
  }

  const userAgent = o.userAgent ?? `iics-jobs-client/${CLIENT_VERSION} node/${process.versions.node}`;
  if (typeof userAgent !== 'string' || userAgent.length === 0 || /[\r\n]/.test(userAgent)) {
    throw new IicsInvalidArgumentError('userAgent', 'userAgent must be a non-empty string on one line.');
  }

  const logger = o.logger ?? {};
  if (logger === null || typeof logger !== 'object') {
    throw new IicsInvalidArgumentError('logger', 'logger must be an object with optional debug/info/warn/error methods (console works).');
  }
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    const fn = (logger as Record<string, unknown>)[level];
    if (fn !== undefined && typeof fn !== 'function') {
      throw new IicsInvalidArgumentError(`logger.${level}`, `logger.${level} must be a function or left out.`);
    }
  }

  return {
    loginUrl,
    username,
    password,
    apiVersion,
    ...(dispatcher !== undefined ? { dispatcher: dispatcher as Dispatcher } : {}),
    timeouts: timeouts as Required<IicsTimeouts>,
    retry: retry as Required<IicsRetryOptions>,
    userAgent,
    logger: logger as IicsLogger,
  };
}

function parseLoginUrl(value: unknown): URL {
  const example = 'e.g. "https://dm-us.informaticacloud.com"';
  if (typeof value !== 'string' || value.trim() === '') {
    throw new IicsInvalidArgumentError('loginUrl', `loginUrl is required: the origin of your POD's login host, ${example}.`);
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new IicsInvalidArgumentError('loginUrl', `loginUrl is not a URL; pass the origin of your POD's login host, ${example}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new IicsInvalidArgumentError('loginUrl', `loginUrl must use https (or http for a local fake), ${example}.`);
  }
  if (url.username || url.password) {
    // Do not echo the URL: it holds credentials.
    throw new IicsInvalidArgumentError('loginUrl', 'loginUrl must not contain credentials; pass username and password as options.');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new IicsInvalidArgumentError(
      'loginUrl',
      `loginUrl must be the login host's origin without a path (got path "${url.pathname}"); use "${url.origin}".`,
    );
  }
  return new URL(url.origin);
}

function requireCredential(value: unknown, field: 'username' | 'password'): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new IicsInvalidArgumentError(field, `${field} is required and must be a non-empty string.`);
  }
  if (value.length > 255) {
    throw new IicsInvalidArgumentError(field, `${field} must be at most 255 characters, as IICS allows (got ${value.length}).`);
  }
  return value;
}

function plainObject(value: unknown, field: string, keys: string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new IicsInvalidArgumentError(field, `${field} must be an object with any of ${keys.join(', ')}.`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new IicsInvalidArgumentError(`${field}.${key}`, `Unknown option "${field}.${key}"; ${field} takes ${keys.join(', ')}.`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out;
}

/** A short, safe description of a bad option value for a message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
