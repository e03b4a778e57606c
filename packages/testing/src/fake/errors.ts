import type { V2Error, V3Error } from '@iics-jobs/schema';
import { federatedId } from '../ids.js';
import type { FakeFile } from './logs/send.js';

/** What a route handler answers; the server validates `body` before sending it. */
export interface RouteResult {
  status: number;
  body?: unknown;
  /** Bytes sent as they are, with their content type, instead of `body` as JSON (a download; no schema to check). */
  raw?: { contentType: string; body: string | Uint8Array };
  /** Keys whose digit-string values go on the wire as bare JSON numbers (taskflow run ids). */
  numberKeys?: readonly string[];
  /** A file (session log, error rows) instead of a JSON body; streamed. */
  file?: FakeFile;
}

export type ErrorFamily = 'v2' | 'v3';

// Codes from real payloads or Informatica's documentation where known (UI_10000, IDS_085,
// APP_13404, APP_13436). The rest are the fake's own: IICS's code for those cases is unconfirmed.
export const ERROR_CODES = {
  badCredentialsV2: 'UI_10000',
  badCredentialsV3: 'IDS_085',
  badRequest: 'APP_13401',
  unknownObject: 'APP_13404',
  unknownName: 'APP_13436',
  invalidSession: 'AUTH_01',
  notRunning: 'JOB_NOT_RUNNING',
  notSuspended: 'TASKFLOW_NOT_SUSPENDED',
  alreadyRunning: 'JOB_ALREADY_RUNNING',
  notFound: 'NOT_FOUND',
  methodNotAllowed: 'METHOD_NOT_SUPPORTED',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  tooManyRequests: 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
  internal: 'INTERNAL_ERROR',
} as const;

export function v2Error(status: number, code: string, description: string): RouteResult {
  const body: V2Error = { '@type': 'error', code, description, statusCode: status };
  return { status, body };
}

export function v3Error(status: number, code: string | null, message: string): RouteResult {
  const body: V3Error = { error: { code, message, requestId: federatedId(), details: null } };
  return { status, body };
}

export function familyError(family: ErrorFamily, status: number, code: string, message: string): RouteResult {
  return family === 'v2' ? v2Error(status, code, message) : v3Error(status, code, message);
}

/** The answer of a `failNext` fault: the error object of the route's family, with a message per status. */
export function faultError(family: ErrorFamily, status: number): RouteResult {
  if (status === 429) return familyError(family, status, ERROR_CODES.tooManyRequests, 'too many requests');
  if (status === 503) return familyError(family, status, ERROR_CODES.unavailable, 'The service is unavailable. Try again later.');
  if (status >= 500) return familyError(family, status, ERROR_CODES.internal, 'An unexpected error occurred.');
  return familyError(family, status, ERROR_CODES.badRequest, `The request was refused (fault injected with status ${status}).`);
}

/**
 * An error answered as an HTML page, as the real service answers an unknown resource (404,
 * "Resource not found.") and a query value it cannot read: a client must not assume that an
 * error body parses as JSON.
 */
export function htmlError(status: number, message: string): RouteResult {
  const text = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Error</title></head>\n<body>\n<h1>${status}</h1>\n<p>${text}</p>\n</body>\n</html>\n`;
  return { status, raw: { contentType: 'text/html;charset=UTF-8', body } };
}

/** The content types the fake's own non-JSON error answers have. */
export function isHtmlError(result: RouteResult): boolean {
  return result.status >= 400 && result.raw !== undefined && /^text\/html\b/i.test(result.raw.contentType) && result.raw.body.length > 0;
}
