import { type CallbackUrlResponse, parseCallbackUrlResponse } from '@iics-jobs/schema';
import type { ErrorDetail, RejectionCode } from './errors.js';

export interface BodyFailure {
  ok: false;
  status: number;
  code: RejectionCode;
  message: string;
  details: ErrorDetail[];
}

export type BodyResult = { ok: true; callback: CallbackUrlResponse } | BodyFailure;

/**
 * Checks the Content-Type header. IICS does not document the header it sends, so a request without
 * one is read as JSON; any explicit type but JSON is refused rather than guessed at.
 */
export function checkContentType(header: string | undefined, encoding?: string): BodyFailure | undefined {
  if (encoding !== undefined && encoding.trim() !== '' && encoding.trim().toLowerCase() !== 'identity') {
    return reject(415, 'unsupported_media_type', `expected an uncompressed body, got Content-Encoding ${quote(encoding)}`);
  }
  // What IICS and most clients send, answered without parsing it.
  if (header === 'application/json' || header === 'application/json; charset=utf-8') return undefined;
  if (header === undefined || header.trim() === '') return undefined;
  const [typePart = '', ...params] = header.split(';');
  const type = typePart.trim().toLowerCase();
  const isJson = type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
  if (!isJson) {
    return reject(415, 'unsupported_media_type', `expected Content-Type application/json, got ${quote(header)}`);
  }
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      return reject(415, 'unsupported_media_type', `expected the charset utf-8, got ${quote(charset)}`);
    }
  }
  return undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes, parses and validates a raw body. `hasContentType` only shapes the messages. */
export function readRawBody(raw: Uint8Array | string, hasContentType: boolean): BodyResult {
  let text: string;
  if (typeof raw === 'string') {
    text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  } else {
    try {
      text = decoder.decode(raw);
    } catch {
      return reject(400, 'invalid_json', 'the body is not valid UTF-8');
    }
  }
  if (text.trim() === '') {
    return reject(400, 'empty_body', 'the body is empty; expected a callbackUrlResponse JSON object');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof SyntaxError ? error.message : 'not JSON';
    const message = hasContentType
      ? `the body is not valid JSON: ${why}`
      : `the request has no Content-Type and its body is not valid JSON: ${why}`;
    return reject(400, 'invalid_json', message, [{ path: '', message: why }]);
  }
  return validateCallback(value);
}

/** Validates a value that is already parsed (by `express.json()`, or by `readRawBody`). */
export function validateCallback(value: unknown): BodyResult {
  const parsed = parseCallbackUrlResponse(value);
  if (parsed.ok) return { ok: true, callback: parsed.value };
  const first = parsed.errors[0];
  const summary = first ? `${first.path || '(body)'}: ${first.message}` : 'not a callbackUrlResponse';
  return reject(400, 'invalid_callback', `the body is not a valid callbackUrlResponse (${summary})`, parsed.errors);
}

export function reject(status: number, code: RejectionCode, message: string, details: ErrorDetail[] = []): BodyFailure {
  return { ok: false, status, code, message, details };
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** A short description of what a value is, for messages about a body we could not use. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value instanceof Uint8Array) return `a Buffer of ${value.byteLength} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty object' : `an object with the keys ${keys.slice(0, 5).join(', ')}`;
  }
  return `a ${typeof value}`;
}
