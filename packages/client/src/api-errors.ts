import { parseV2Error, parseV3Error } from '@iics-jobs/schema';
import { IicsApiError, type IicsErrorFields } from './errors.js';
import { parseRetryAfter } from './retry.js';
import type { HttpResponse } from './http.js';
import type { Secrets } from './secrets.js';

/**
 * Reads IICS's error fields out of any non-2xx body: a v2 error object, a v3 error object, or
 * something else entirely (empty, HTML from a proxy, truncated JSON). Text from the server is
 * redacted and shortened before it is kept.
 */
export function errorFields(res: HttpResponse, secrets: Secrets): IicsErrorFields & { summary: string } {
  const fields: IicsErrorFields = { status: res.status };
  let json: unknown;
  try {
    json = res.text.trim() === '' ? undefined : JSON.parse(res.text);
  } catch {
    json = undefined;
  }
  const clean = (s: string): string => shorten(secrets.redact(s));
  const v2 = parseV2Error(json);
  if (v2.ok) {
    fields.iicsCode = v2.value.code;
    fields.description = clean(v2.value.description);
    if (v2.value.statusCode !== undefined) fields.statusCode = v2.value.statusCode;
  } else {
    const v3 = parseV3Error(json);
    if (v3.ok) {
      const e = v3.value.error;
      if (e.code) fields.iicsCode = e.code;
      fields.description = clean(e.message);
      if (e.requestId) fields.requestId = e.requestId;
      if (e.debugMessage) fields.debugMessage = clean(e.debugMessage);
    }
  }
  let summary: string;
  if (fields.description !== undefined) {
    summary = `${fields.iicsCode ? `${fields.iicsCode}: ` : ''}${fields.description}${fields.requestId ? ` (requestId ${fields.requestId})` : ''}`;
  } else if (res.text.trim() === '') {
    summary = 'empty body';
  } else if (isHtml(res)) {
    // IICS answers an unknown resource (and a query value it cannot read) with an HTML page: its text is the message.
    // Redacted before and after: the page's markup and whitespace could split a secret, its entities spell one.
    const text = secrets.redact(htmlText(secrets.redact(res.text)));
    summary = text === '' ? 'an HTML page without text' : `${shorten(text)} (an HTML page)`;
  } else {
    // Redacted before the whitespace is collapsed: collapsing first would change a secret with a run of spaces.
    summary = `body not an IICS error object: ${JSON.stringify(shorten(secrets.redact(res.text).replace(/\s+/g, ' ')))}`;
  }
  return { ...fields, summary };
}

export function apiError(res: HttpResponse, operation: string, secrets: Secrets): IicsApiError {
  const { summary, ...fields } = errorFields(res, secrets);
  const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
  return new IicsApiError(`IICS answered HTTP ${res.status} to ${operation}: ${summary}`, {
    ...fields,
    operation,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

function isHtml(res: HttpResponse): boolean {
  const type = res.headers['content-type'];
  const value = Array.isArray(type) ? type[0] : type;
  return /^\s*text\/html\b/i.test(value ?? '') || /^\s*<(?:!doctype\s+html|html)\b/i.test(res.text);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…' };

/** The visible text of an HTML page: no head, scripts, styles or tags; entities decoded; whitespace collapsed. */
export function htmlText(html: string): string {
  return html
    .slice(0, 64 * 1024)
    .replace(/<(head|script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function shorten(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
