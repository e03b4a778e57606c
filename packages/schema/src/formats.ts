import { FormatRegistry } from '@sinclair/typebox';

// RFC 3339 date-time, as IICS writes it ("2021-09-23T10:52:25.000Z", "2021-08-03T18:59:52Z").
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

export function isDateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

export function isUri(value: string): boolean {
  // An absolute URL with a scheme; IICS needs something it can POST to.
  return URL.canParse(value) && /^[a-z][a-z0-9+.-]*:/i.test(value);
}

/**
 * Whether `value` can be a job's `callbackURL`: an absolute http or https URL with a host and no white
 * space (the spec's `pattern` on callbackURL), that a URL parser reads. IICS POSTs the callback there.
 */
export function isCallbackUrl(value: string): boolean {
  return /^https?:\/\/[^\s/?#]+\S*$/i.test(value) && URL.canParse(value);
}

// TypeBox refuses every string with an unregistered format, so register ours before any check.
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
if (!FormatRegistry.Has('uri')) FormatRegistry.Set('uri', isUri);
