import type { ParseResult } from '@iics-jobs/schema';
import type { FakeContext, FakeRequest } from './context.js';

/** Members named in one warning; a body with more says how many more. */
const MAX_NAMED = 10;

/** The JSON Schema keywords of a TypeBox schema that say which members an object may have. */
interface SchemaNode {
  type?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: unknown;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

/**
 * Reads a request body as IICS does: a member the schema does not know is ignored, and said in
 * `fake.warnings` (a client that sends it works against the real service too), unless the fake was
 * started with `strictRequests`: then the answer is the 400 that names it. Every other problem is
 * a 400 either way. On success `value` is the body without the ignored members.
 */
export function readRequestBody<T>(
  ctx: FakeContext,
  request: FakeRequest,
  schema: object,
  parse: (input: unknown) => ParseResult<T>,
  body: unknown = request.body,
): ParseResult<T> {
  const checked = parse(body);
  if (checked.ok || ctx.strictRequests) return checked;
  const unknown: string[][] = [];
  collectUnknown(schema as SchemaNode, body, [], unknown);
  if (unknown.length === 0) return checked;
  const again = parse(withoutMembers(body, unknown));
  if (again.ok) {
    const named = unknown.slice(0, MAX_NAMED).map(pointer).join(', ');
    const more = unknown.length > MAX_NAMED ? ` and ${unknown.length - MAX_NAMED} more` : '';
    request.warn(`${request.method} ${request.path.slice(0, 200)}: ignored unknown member${unknown.length > 1 ? 's' : ''} ${named}${more}`);
  }
  return again;
}

/** Paths of the object members that no branch of `schema` lists where it lists its members exactly. */
function collectUnknown(schema: SchemaNode, value: unknown, trail: string[], out: string[][]): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (schema.type === 'array' && schema.items) value.forEach((item, i) => collectUnknown(schema.items!, item, [...trail, String(i)], out));
    return;
  }
  // An object with a oneOf is an allOf of the object and the oneOf node: the object lists the members.
  const branches = (schema.anyOf ?? schema.allOf ?? [schema]).filter((branch) => branch.type === 'object' && branch.properties !== undefined);
  if (branches.length === 0) return;
  const exact = branches.every((branch) => branch.additionalProperties === false);
  for (const key of Object.keys(value)) {
    const member = branches.find((branch) => Object.hasOwn(branch.properties!, key))?.properties![key];
    if (member) collectUnknown(member, (value as Record<string, unknown>)[key], [...trail, key], out);
    else if (exact) out.push([...trail, key]);
  }
}

function withoutMembers(body: unknown, paths: readonly string[][]): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const path of paths) {
    let node: unknown = copy;
    for (const key of path.slice(0, -1)) node = (node as Record<string, unknown>)[key];
    delete (node as Record<string, unknown>)[path.at(-1)!];
  }
  return copy;
}

function pointer(path: readonly string[]): string {
  return path.map((key) => `/${key.slice(0, 80).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
