import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, test } from 'vitest';
import * as schema from '../src/index.js';
import { componentSchemas, FORBIDDEN_KEYS, FORBIDDEN_RESPONSE_KEYS, MAX_DEPTH, parseActivityLogEntryDetail, parseCallbackUrlResponse, RECEIVED_BODY_SCHEMAS, type ParseResult } from '../src/index.js';

// The generated parsers of object schemas run the compiled check first and then a quick pass that skips
// the members whose schema admits no object (parsers.ts, `checkedX`). These tests hold that pass to the
// rule every parser keeps: a refused key anywhere is refused, at its path, before any schema error.

type Parser = (input: unknown) => ParseResult<unknown>;
const parsers = schema as unknown as Record<string, Parser>;

// Value.Create cannot make these (the oneOf's custom kind, a pattern without a default).
const HAND_MADE: Record<string, Record<string, unknown>> = {
  LookupRequest: { objects: [{ id: 'a' }] },
  TaskflowTerminateRequest: { runid: ['1'] },
  JobRequest: { taskId: 'a', taskType: 'MTT' },
  JobStopRequest: { taskId: 'a', taskType: 'MTT' },
  LookupRequestObject: { id: 'a' },
};

const objectSchemas = Object.entries(componentSchemas as Record<string, TSchema>).filter(([, s]) => s['properties'] || (s['allOf'] as TSchema[] | undefined)?.some((m) => m['properties']));

function validInstance(name: string, s: TSchema): Record<string, unknown> {
  const made = HAND_MADE[name] ?? (Value.Create(s) as Record<string, unknown>);
  expect(TypeCompiler.Compile(s).Check(made), `${name}: the instance the test starts from is valid`).toBe(true);
  return made;
}

function propertiesOf(s: TSchema): string[] {
  const own = s['properties'] as Record<string, unknown> | undefined;
  if (own) return Object.keys(own);
  return ((s['allOf'] as TSchema[]) ?? []).flatMap((m) => Object.keys((m['properties'] as Record<string, unknown>) ?? {}));
}

describe('the quick pass after the compiled check', () => {
  test('every object schema: a refused key inside any listed member, or in a member the schema does not list, is refused', () => {
    expect(objectSchemas.length).toBeGreaterThan(40);
    let tried = 0;
    for (const [name, s] of objectSchemas) {
      const parse = parsers[`parse${name}`]!;
      const base = validInstance(name, s);
      expect(parse(base).ok, `${name} accepts a valid instance`).toBe(true);
      const forbidden = RECEIVED_BODY_SCHEMAS.includes(name) ? FORBIDDEN_KEYS : FORBIDDEN_RESPONSE_KEYS;
      for (const member of [...propertiesOf(s), 'notListed']) {
        for (const key of forbidden) {
          for (const holder of [`{${JSON.stringify(key)}:{}}`, `[{${JSON.stringify(key)}:1}]`]) {
            const input = { ...base, [member]: JSON.parse(holder) };
            const result = parse(input);
            tried += 1;
            // Whether the check refuses the member's type or the guard its key, the input is refused; when the
            // check alone would accept it, the refusal is the key's, at its path.
            expect(result.ok, `${name}.${member} = ${holder}`).toBe(false);
            if (!result.ok && TypeCompiler.Compile(s).Check(input)) {
              const path = holder.startsWith('[') ? `/${member}/0/${key}` : `/${member}/${key}`;
              expect(result.errors[0], `${name}.${member} = ${holder}`).toEqual({ path, message: `the key "${key}" is not allowed` });
            }
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(500);
  });

  test('a refused key is reported before a schema error, as on every parser', () => {
    const input = JSON.parse('{"objectId":"a","runId":"not a number","status":"COMPLETED","constructor":1}');
    expect(parseCallbackUrlResponse(input)).toEqual({ ok: false, errors: [{ path: '/constructor', message: 'the key "constructor" is not allowed' }] });
    const nested = JSON.parse('{"runId":-1,"extra":{"a":[{"prototype":{}}]}}');
    expect(parseCallbackUrlResponse(nested)).toEqual({ ok: false, errors: [{ path: '/extra/a/0/prototype', message: 'the key "prototype" is not allowed' }] });
  });

  test('a member the schema does not list is walked to the depth limit; listed primitive members need no walk', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 1; i++) deep = { d: deep };
    const valid = { '@type': 'callbackUrlResponse', objectId: 'a', objectName: 'n', runId: 1, status: 'COMPLETED', endTime: null };
    const refused = parseCallbackUrlResponse({ ...valid, extra: deep });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.errors[0]!.message).toBe(`nested deeper than ${MAX_DEPTH} levels`);
    let shallow: unknown = 1;
    for (let i = 0; i < MAX_DEPTH; i++) shallow = { d: shallow };
    expect(parseCallbackUrlResponse({ ...valid, extra: shallow }).ok).toBe(true);
    // An object where the schema wants a primitive is the check's refusal, named by its field.
    const typed = parseCallbackUrlResponse({ ...valid, objectName: { nested: 1 } });
    expect(!typed.ok && typed.errors.map((e) => e.path)).toContain('/objectName');
  });

  test('a schema that reaches a recursive one (the log entry by id holds items with children) still guards depth first: no stack overflow', () => {
    let item: Record<string, unknown> = { id: 'leaf' };
    for (let i = 0; i < 200_000; i++) item = { id: String(i), children: [item] };
    const result = parseActivityLogEntryDetail({ id: 'x', runId: 1, state: 1, items: [item] });
    expect(!result.ok && result.errors[0]!.message).toBe(`nested deeper than ${MAX_DEPTH} levels`);
  });
});
