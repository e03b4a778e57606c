import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import * as schema from '../src/index.js';
import {
  FORBIDDEN_KEYS,
  MAX_DEPTH,
  TASK_TYPES,
  formatIssues,
  parseCallbackUrlResponse,
  parseJobRequest,
  parseJobResponse,
  type ParseResult,
} from '../src/index.js';

// IICS_FUZZ_RUNS scales every property for longer runs (e.g. IICS_FUZZ_RUNS=20000); the default keeps
// the file to a few seconds. IICS_FUZZ_SEED replays a failure fast-check reported.
const RUNS = Number(process.env.IICS_FUZZ_RUNS) > 0 ? Number(process.env.IICS_FUZZ_RUNS) : 400;
const SEED = process.env.IICS_FUZZ_SEED ? Number(process.env.IICS_FUZZ_SEED) : undefined;
const params = (numRuns = RUNS): fc.Parameters<unknown> => ({ numRuns, ...(SEED === undefined ? {} : { seed: SEED }) });

type Parser = (input: unknown) => ParseResult<unknown>;
const parsers: Array<[string, Parser]> = Object.entries(schema)
  .filter(([name, value]) => name.startsWith('parse') && typeof value === 'function')
  .map(([name, value]) => [name, value as Parser]);

let inputsTried = 0;
let parserCalls = 0;
afterAll(() => {
  console.log(`schema fuzz: ${inputsTried} inputs, ${parserCalls} parser calls over ${parsers.length} parsers (runs per property: ${RUNS})`);
});

function parseAll(input: unknown): Array<[string, ParseResult<unknown>]> {
  inputsTried += 1;
  return parsers.map(([name, parse]) => {
    parserCalls += 1;
    return [name, parse(input)];
  });
}

function protoSnapshot(): string {
  return Object.getOwnPropertyNames(Object.prototype).sort().join(',');
}
const PROTO_BEFORE = protoSnapshot();

function expectWellFormed(name: string, input: unknown, result: ParseResult<unknown>): void {
  if (result.ok) {
    // A parser hands back the input itself, extra fields and all; never a copy that could differ.
    expect(result.value, name).toBe(input);
    return;
  }
  expect(result.errors.length, name).toBeGreaterThan(0);
  expect(result.errors.length, name).toBeLessThanOrEqual(20);
  for (const issue of result.errors) {
    expect(typeof issue.path, name).toBe('string');
    expect(issue.path === '' || issue.path.startsWith('/'), `${name}: ${issue.path}`).toBe(true);
    expect(typeof issue.message, name).toBe('string');
    expect(issue.message.length, name).toBeGreaterThan(0);
  }
  expect(typeof formatIssues(result.errors)).toBe('string');
}

/** The callback as JSON text with one more field, `extraField`, holding `json` (the last key wins). */
function withExtraField(callback: Record<string, unknown>, json: string): string {
  return `${JSON.stringify(callback).slice(0, -1)},"extraField":${json}}`;
}

/** RFC 6901: the keys a JSON pointer names. */
function pointerKeys(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const safeKey = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('~', '/', '~1', '~0', 'a/b', '', ' ', '0', 'toString', 'hasOwnProperty', '__defineGetter__'),
).filter((k) => !FORBIDDEN_KEYS.includes(k));
const FORBIDDEN_KEY_IN_JSON = /"(__proto__|constructor|prototype)":/;
// fast-check likes to generate "__proto__" and friends as keys: those belong to the pollution property.
const jsonValue = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }).filter((v) => !FORBIDDEN_KEY_IN_JSON.test(JSON.stringify(v)));
const knownCallbackKeys = new Set(['@type', 'endTime', 'objectId', 'objectName', 'runId', 'status']);

const validCallback = fc
  .record(
    {
      objectId: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      runId: fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER)),
      status: fc.oneof(fc.constantFrom('COMPLETED', 'FAILED', 'STOPPED'), fc.string({ unit: 'binary', minLength: 1, maxLength: 20 })),
      objectName: fc.string({ unit: 'binary', maxLength: 40 }),
      '@type': fc.constant('callbackUrlResponse'),
      endTime: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    },
    { requiredKeys: ['objectId', 'runId', 'status'] },
  )
  .chain((callback) =>
    fc
      .dictionary(safeKey.filter((k) => !knownCallbackKeys.has(k)), jsonValue, { maxKeys: 5 })
      .map((extra): Record<string, unknown> => ({ ...callback, ...extra })),
  );

describe('every parser, any input', () => {
  test('never throws, and answers ok with the input itself or a list of issues with JSON pointers', () => {
    const anything = fc.anything({
      maxDepth: 5,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withObjectString: true,
      withNullPrototype: true,
      withBigInt: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      stringUnit: 'binary',
      key: fc.oneof(safeKey, fc.constantFrom(...FORBIDDEN_KEYS)),
    });
    fc.assert(
      fc.property(anything, (input) => {
        const before = inspect(input, { depth: Infinity, showHidden: true });
        for (const [name, result] of parseAll(input)) expectWellFormed(name, input, result);
        // Validation is read-only: the input is exactly as it was.
        expect(inspect(input, { depth: Infinity, showHidden: true })).toBe(before);
      }),
      params(),
    );
  });

  test('arbitrary JSON text, parsed as a server or IICS would send it, never makes a parser throw', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6, stringUnit: 'binary' }), (text) => {
        const input: unknown = JSON.parse(text);
        for (const [name, result] of parseAll(input)) expectWellFormed(name, input, result);
      }),
      params(),
    );
  });
});

describe('prototype pollution', () => {
  test('a __proto__, constructor or prototype key anywhere is refused at its exact path, and Object.prototype stays clean', () => {
    const location = fc.array(fc.oneof(safeKey, fc.nat({ max: 3 })), { maxLength: 8 });
    fc.assert(
      fc.property(validCallback, location, fc.constantFrom(...FORBIDDEN_KEYS), jsonValue, (callback, where, forbidden, payload) => {
        // Built as JSON text and parsed, as a body is: JSON.parse makes "__proto__" an own key.
        let inner = `{${JSON.stringify(forbidden)}:{"polluted":true,"value":${JSON.stringify(payload)}}}`;
        const keys: string[] = [];
        for (const step of [...where].reverse()) {
          if (typeof step === 'number') {
            inner = `[${Array.from({ length: step }, () => 'null').concat(inner).join(',')}]`;
            keys.unshift(String(step));
          } else {
            inner = `{${JSON.stringify(step)}:${inner}}`;
            keys.unshift(step);
          }
        }
        const text = withExtraField(callback, inner);
        const input: unknown = JSON.parse(text);
        for (const [name, result] of parseAll(input)) {
          expectWellFormed(name, input, result);
          // IICS's answers refuse only __proto__ (their maps may hold the other names); received bodies refuse all.
          if (forbidden === '__proto__' || schema.RECEIVED_BODY_SCHEMAS.includes(name.slice('parse'.length))) {
            expect(result.ok, name).toBe(false);
          }
        }
        const result = parseCallbackUrlResponse(input);
        if (result.ok) throw new Error('unreachable');
        const expected = ['extraField', ...keys, forbidden];
        // Nested deeper than MAX_DEPTH, the depth rule may trip first; either way the input is refused.
        if (expected.length <= MAX_DEPTH) {
          expect(pointerKeys(result.errors[0]!.path)).toEqual(expected);
          expect(result.errors[0]!.message).toContain(forbidden);
        }
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        expect(protoSnapshot()).toBe(PROTO_BEFORE);
      }),
      params(),
    );
  });
});

describe('depth', () => {
  test(`nesting up to ${MAX_DEPTH} levels is accepted, deeper is refused, and nothing overflows the stack`, () => {
    fc.assert(
      fc.property(validCallback, fc.integer({ min: 1, max: 5_000 }), fc.boolean(), (callback, depth, arrays) => {
        const open = arrays ? '[' : '{"k":';
        const close = arrays ? ']' : '}';
        const nested = `${open.repeat(depth - 1)}${arrays ? '[]' : '{}'}${close.repeat(depth - 1)}`;
        const input: unknown = JSON.parse(withExtraField(callback, nested));
        const results = parseAll(input);
        for (const [name, result] of results) expectWellFormed(name, input, result);
        // The callback is level 0 and its extraField level 1: the innermost container sits at `depth`.
        expect(parseCallbackUrlResponse(input).ok, `depth ${depth}`).toBe(depth <= MAX_DEPTH);
      }),
      params(Math.max(50, Math.floor(RUNS / 4))),
    );
  });
});

describe('cycles', () => {
  test('an object or array that contains itself is refused by the depth rule, not walked forever', () => {
    const object: Record<string, unknown> = { objectId: 'a', runId: 1, status: 'COMPLETED' };
    object['self'] = object;
    const array: unknown[] = [];
    array.push(array, array);
    for (const input of [object, array, { objectId: 'a', runId: 1, status: 'COMPLETED', extra: array }]) {
      for (const [name, result] of parseAll(input)) {
        expectWellFormed(name, input, result);
        expect(result.ok, name).toBe(false);
      }
    }
  });
});

describe('callbacks: read tolerantly', () => {
  test('any callback with a non-empty objectId and status and a runId from 0 to 2^53-1 passes, extra fields kept', () => {
    fc.assert(
      fc.property(validCallback, (callback) => {
        const viaJson: unknown = JSON.parse(JSON.stringify(callback));
        for (const input of [callback, viaJson]) {
          inputsTried += 1;
          parserCalls += 1;
          const result = parseCallbackUrlResponse(input);
          expect(result.ok ? 'ok' : formatIssues(result.errors)).toBe('ok');
          // The input itself, not a copy: JSON turns -0 into 0, so identity is the exact check.
          if (result.ok) expect(result.value).toBe(input);
        }
      }),
      params(),
    );
  });

  const badRunId = fc.oneof(
    fc.integer({ max: -1 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
    fc.double({ min: 2 ** 53, noNaN: true }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0.5, 2 ** 53, 2 ** 53 + 2, 1e21, -(2 ** 53)),
    fc.bigInt(),
    fc.string({ maxLength: 10 }),
    fc.constantFrom(null, true, false, [], {}, '5', '9007199254740993'),
  );

  test('runId negative, fractional, beyond 2^53 - 1 or not a number is refused, naming /runId', () => {
    fc.assert(
      fc.property(validCallback, badRunId, (callback, runId) => {
        for (const [parse, input] of [
          [parseCallbackUrlResponse, { ...callback, runId }],
          [parseJobResponse, { taskId: 'a', runId }],
        ] as const) {
          inputsTried += 1;
          parserCalls += 1;
          const result = (parse as Parser)(input);
          expect(result.ok, inspect(runId)).toBe(false);
          if (!result.ok) {
            expect(result.errors.map((e) => e.path)).toContain('/runId');
            expect(result.errors.find((e) => e.path === '/runId')!.message).toMatch(/runId/);
          }
        }
      }),
      params(),
    );
  });

  test('numbers written at the edges in JSON text: what JSON.parse makes of them decides, and 2^53 and above never pass', () => {
    const literal = fc.oneof(
      fc.constantFrom('-1', '-0', '0', '5.0', '1e2', '1E400', '-1e400', '9007199254740991', '9007199254740992', '9007199254740993', '1e16', '0.1', '4.9e-324'),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String).filter((s) => !/[a-z]/i.test(s) || /e/.test(s)),
    );
    fc.assert(
      fc.property(literal, (text) => {
        const input: unknown = JSON.parse(`{"objectId":"0034J90000000M","runId":${text},"status":"COMPLETED"}`);
        inputsTried += 1;
        parserCalls += 1;
        const result = parseCallbackUrlResponse(input);
        const runId = (input as { runId: number }).runId;
        const expected = Number.isInteger(runId) && runId >= 0 && runId <= Number.MAX_SAFE_INTEGER;
        expect(result.ok, text).toBe(expected);
        if (Number(text) >= 2 ** 53) expect(result.ok, text).toBe(false);
      }),
      params(),
    );
  });

  test('duplicated keys in JSON text: the last one wins, and is what gets validated', () => {
    const runIds = fc.oneof(fc.nat(), fc.integer({ min: -1000, max: -1 }), fc.constantFrom(0.5, 2 ** 53));
    fc.assert(
      fc.property(runIds, runIds, (first, last) => {
        const input: unknown = JSON.parse(`{"objectId":"x","status":"COMPLETED","runId":${first},"objectId":"0034J90000000M","runId":${last}}`);
        inputsTried += 1;
        parserCalls += 1;
        const result = parseCallbackUrlResponse(input);
        expect(result.ok).toBe(Number.isSafeInteger(last) && last >= 0);
        if (result.ok) expect(result.value).toMatchObject({ objectId: '0034J90000000M', runId: last });
      }),
      params(),
    );
  });
});

describe('requests: write strictly', () => {
  const jobRequest = fc.record(
    {
      '@type': fc.constant('job' as const),
      taskName: fc.string({ minLength: 1, maxLength: 20 }),
      taskType: fc.constantFrom(...TASK_TYPES),
      callbackURL: fc.webUrl(),
    },
    { requiredKeys: ['taskName', 'taskType'] },
  );
  const known = new Set(['@type', 'taskId', 'taskFederatedId', 'taskName', 'taskType', 'callbackURL', 'runtime', 'parameterFileName', 'parameterFileDir']);

  test('a valid job request passes; any field the spec does not list is refused and named', () => {
    fc.assert(
      fc.property(jobRequest, safeKey.filter((k) => !known.has(k)), jsonValue, (request, extraKey, extraValue) => {
        inputsTried += 2;
        parserCalls += 2;
        expect(parseJobRequest(request).ok).toBe(true);
        const result = parseJobRequest({ ...request, [extraKey]: extraValue });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map((e) => pointerKeys(e.path))).toContainEqual([extraKey]);
      }),
      params(),
    );
  });

  test('a taskType outside TASK_TYPES is refused at /taskType', () => {
    fc.assert(
      fc.property(jobRequest, fc.string({ unit: 'binary', maxLength: 12 }).filter((t) => !(TASK_TYPES as readonly string[]).includes(t)), (request, taskType) => {
        inputsTried += 1;
        parserCalls += 1;
        const result = parseJobRequest({ ...request, taskType });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map((e) => e.path)).toContain('/taskType');
      }),
      params(),
    );
  });
});

describe('size', () => {
  test('very wide inputs are answered (no quadratic blow-up, no crash)', () => {
    // Well past what a 64 KiB callback body or a 1000-row activity log can hold.
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const long = Array.from({ length: 20_000 }, (_, i) => i);
    const longString = 'x'.repeat(1_000_000);
    for (const input of [
      { objectId: 'a', runId: 1, status: 'COMPLETED', ...wide },
      { objectId: 'a', runId: 1, status: 'COMPLETED', extra: long },
      { objectId: longString, runId: 1, status: longString },
      { objectId: 'a', runId: '1'.repeat(1_000_000), status: 'COMPLETED' },
      long,
    ]) {
      for (const [name, result] of parseAll(input)) expectWellFormed(name, input, result);
    }
    expect(parseCallbackUrlResponse({ objectId: 'a', runId: 1, status: 'COMPLETED', ...wide }).ok).toBe(true);
    const issues = parseCallbackUrlResponse({ runId: '1'.repeat(1_000_000) });
    // A huge bad value is quoted shortened in the message, not copied whole.
    expect(issues.ok ? '' : formatIssues(issues.errors).length).toBeLessThan(1_000);
  });
});
