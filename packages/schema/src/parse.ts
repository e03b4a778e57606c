import { Kind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import './formats.js';
import { ONE_OF_REQUIRED_KIND, oneOfMessage, type OneOfRequiredSchema } from './one-of.js';

/** One problem with an input: `path` is a JSON pointer ("" for the whole value, "/runId", "/entries/0/state"). */
export interface ParseIssue {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: ParseIssue[] };

/**
 * Keys refused anywhere in a body a server receives (a request, a callback), so that no consumer's
 * merge or assign can pollute a prototype. IICS's answers refuse only `__proto__`: their free-form
 * maps (v3 login `groups` by group name, `sessionVariables`, `logEntryItemAttrs`) may use the others.
 */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
/** Keys refused anywhere in an answer of IICS. (`isForbiddenReceived`/`isForbiddenResponse` below spell both lists out.) */
export const FORBIDDEN_RESPONSE_KEYS: readonly string[] = ['__proto__'];

/** `received`: a body a server receives (request, callback); `response`: an answer of IICS. */
export type ParserKind = 'received' | 'response';
/** Inputs nested deeper than this are refused before they reach a recursive check. */
export const MAX_DEPTH = 64;
const FORBIDDEN: Record<ParserKind, ReadonlySet<string>> = {
  received: new Set(FORBIDDEN_KEYS),
  response: new Set(FORBIDDEN_RESPONSE_KEYS),
};
const MAX_ISSUES = 20;

/**
 * A quick pass that runs only on an input the compiled check accepted, so it may skip members whose
 * schema admits no object (the check has just seen a string, number, boolean or null there). It
 * answers as `quickVisit` does: true means nothing is refused; false sends the input to the walk.
 * The generator writes one per object schema with such members (`parsers.ts`), and never for a
 * schema that is or reaches a recursive one: with a quick pass the compiled check runs before the
 * depth guard, so it must not be able to follow an input down without end.
 */
export type CheckedQuickPass = (input: Record<string, unknown>) => boolean;

/**
 * Builds a `parseX(input)` for a schema. The validator is compiled on first use and kept.
 * On success `value` is the input itself: fields the schema does not list are kept.
 */
export function createParser<T>(
  schema: TSchema,
  name: string,
  kind: ParserKind = 'received',
  checkedQuickPass?: CheckedQuickPass,
): (input: unknown) => ParseResult<T> {
  let compiled: TypeCheck<TSchema> | undefined;
  const forbidden = FORBIDDEN[kind];
  const clean = kind === 'received' ? cleanReceived : cleanResponse;
  const parse = function parse(input: unknown): ParseResult<T> {
    // The quick pass answers "nothing refused"; only a refused input is walked again for its path.
    if (!clean(input)) {
      const structural = checkStructure(input, forbidden);
      if (structural) return { ok: false, errors: [structural] };
    }
    compiled ??= TypeCompiler.Compile(schema);
    if (compiled.Check(input)) return { ok: true, value: input as T };
    return { ok: false, errors: collectIssues(compiled, input, name) };
  };
  if (!checkedQuickPass) return parse;
  // The compiled check first (it reads only the members the schema lists, to the schema's own
  // non-recursive depth, so it is safe on any input), then the quick pass it makes cheaper. Anything
  // but a clean pass is decided by parse above, in its order: a refused key before any schema error.
  return function parseChecked(input: unknown): ParseResult<T> {
    compiled ??= TypeCompiler.Compile(schema);
    return compiled.Check(input) && checkedQuickPass(input as Record<string, unknown>) ? { ok: true, value: input as T } : parse(input);
  };
}

/**
 * For a generated `CheckedQuickPass`: the quick pass over one member it does not skip (a key the
 * schema does not list, or a member that may hold an object).
 */
export function quickMember(record: Record<string, unknown>, key: string, kind: ParserKind): boolean {
  const forbidden = kind === 'received' ? isForbiddenReceived : isForbiddenResponse;
  if (forbidden(key)) return false;
  const child = record[key];
  return child === null || typeof child !== 'object' || quickVisit(child, 1, forbidden);
}

/** One line for a list of issues, e.g. for an error message: "/runId: expected an integer; /objectId: is required". */
export function formatIssues(errors: readonly ParseIssue[]): string {
  return errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ');
}

// The guard runs on every parse, so it has a quick pass that only says whether anything may be
// refused (no path kept, no allocation); only then does the walk below run, which decides and names
// the refused key's path.
//
// The quick pass reads objects with for-in, which V8 runs from the object's enum cache without
// building a key array (Object.keys and a keyed load per key cost about 4 times as much: half the
// time of a parse). for-in visits every own enumerable key, the keys the walk checks, and also any
// inherited enumerable key (none, unless something polluted Object.prototype): a superset. So when
// the quick pass finds nothing, the walk would have found nothing; when it finds something, the
// walk decides exactly as before.
function cleanReceived(input: unknown): boolean {
  return input === null || typeof input !== 'object' || quickVisit(input, 0, isForbiddenReceived);
}

function cleanResponse(input: unknown): boolean {
  return input === null || typeof input !== 'object' || quickVisit(input, 0, isForbiddenResponse);
}

// Forbidden keys are compared directly: keys from JSON.parse are internalized strings, so these are
// pointer comparisons, cheaper than hashing each key for a Set.
function isForbiddenReceived(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

function isForbiddenResponse(key: string): boolean {
  return key === '__proto__';
}

function quickVisit(value: object, depth: number, forbidden: (key: string) => boolean): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object' && !quickVisit(item, depth + 1, forbidden)) return false;
    }
    return true;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (forbidden(key)) return false;
    const child = record[key];
    if (child !== null && typeof child === 'object' && !quickVisit(child, depth + 1, forbidden)) return false;
  }
  return true;
}

// Walks every key once and names the path of the first refused key (or of the nesting too deep).
function checkStructure(input: unknown, forbidden: ReadonlySet<string>): ParseIssue | undefined {
  const trail: Array<string | number> = [];
  return visit(input, trail, 0, forbidden);
}

function visit(value: unknown, trail: Array<string | number>, depth: number, forbidden: ReadonlySet<string>): ParseIssue | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return { path: pointer(trail), message: `nested deeper than ${MAX_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== 'object') continue;
      trail.push(i);
      const issue = visit(item, trail, depth + 1, forbidden);
      trail.pop();
      if (issue) return issue;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (forbidden.has(key)) {
      trail.push(key);
      return { path: pointer(trail), message: `the key "${key}" is not allowed` };
    }
    const child = (value as Record<string, unknown>)[key];
    if (child === null || typeof child !== 'object') continue;
    trail.push(key);
    const issue = visit(child, trail, depth + 1, forbidden);
    trail.pop();
    if (issue) return issue;
  }
  return undefined;
}

function pointer(trail: ReadonlyArray<string | number>): string {
  return trail.map((part) => `/${escapePointer(String(part))}`).join('');
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function collectIssues(compiled: TypeCheck<TSchema>, input: unknown, name: string): ParseIssue[] {
  const issues: ParseIssue[] = [];
  const seen = new Set<string>();
  for (const error of compiled.Errors(input)) {
    // TypeBox reports a missing property twice (required, then its type): keep the first per path.
    // An object with a oneOf is an intersection: TypeBox says so first, then the member's own error.
    if (error.type === ValueErrorType.Intersect) continue;
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    const message = error.type === ValueErrorType.Kind && (error.schema as { [Kind]?: string })[Kind] === ONE_OF_REQUIRED_KIND
      ? oneOfMessage(error.schema as OneOfRequiredSchema, error.value)
      : describe(error.type, error.message, error.value, error.path, name);
    issues.push({ path: error.path, message });
    if (issues.length >= MAX_ISSUES) break;
  }
  if (issues.length === 0) issues.push({ path: '', message: `not a valid ${name}` });
  return issues;
}

function describe(type: ValueErrorType, message: string, value: unknown, path: string, name: string): string {
  const field = path.split('/').pop() || name;
  switch (type) {
    case ValueErrorType.ObjectRequiredProperty:
      return `${field} is required`;
    case ValueErrorType.ObjectAdditionalProperties:
      return `${field} is not a known field of ${name}`;
    case ValueErrorType.Object:
      return `${field} must be an object, got ${kind(value)}`;
    case ValueErrorType.Array:
      return `${field} must be an array, got ${kind(value)}`;
    case ValueErrorType.Integer:
      return `${field} must be an integer, got ${kind(value)}`;
    case ValueErrorType.Number:
      return `${field} must be a number, got ${kind(value)}`;
    case ValueErrorType.String:
      return `${field} must be a string, got ${kind(value)}`;
    case ValueErrorType.StringPattern:
      return `${field} does not have the form the spec gives it, got ${kind(value)}`;
    case ValueErrorType.Boolean:
      return `${field} must be a boolean, got ${kind(value)}`;
    default:
      return `${field}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  }
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}
