import { Agent, request } from 'node:http';
import express from 'express';
import express4 from 'express4';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CallbackUrlResponse, FORBIDDEN_KEYS, parseCallbackUrlResponse } from '@iics-jobs/schema';
import { createCallbackErrorHandler, createCallbackHandler, createCallbackMiddleware, defaultKey, MemoryStore } from '../src/index.js';
import { type Answer, hasStackTrace, send as sendRequest } from './helpers/http.js';
import { listen, type Running } from './helpers/server.js';

// IICS_FUZZ_RUNS scales every property (e.g. IICS_FUZZ_RUNS=5000 for a long run); IICS_FUZZ_SEED replays a failure.
const RUNS = Number(process.env.IICS_FUZZ_RUNS) > 0 ? Number(process.env.IICS_FUZZ_RUNS) : 150;
const SEED = process.env.IICS_FUZZ_SEED ? Number(process.env.IICS_FUZZ_SEED) : undefined;
const params = (numRuns = RUNS): fc.Parameters<unknown> => ({ numRuns, ...(SEED === undefined ? {} : { seed: SEED }) });

const SECRET = 'fuzz-secret-Jq7/+ü z';
const LIMIT = 65_536;
const BODY_TIMEOUT_MS = 400;

/** How a receiver gets its body: we read the stream, or a body parser of Express's ran first. */
type Parser = 'none' | 'json' | 'raw' | 'text';

interface Receiver {
  name: string;
  parser: Parser;
  running: Running;
  calls: CallbackUrlResponse[];
  processed: Set<string>;
}

const receivers: Receiver[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const stats = { requests: 0, handlerCalls: 0, byStatus: new Map<number, number>() };
const PROTO_BEFORE = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

async function startFuzzReceiver(name: string, flavour: 'express4' | 'express5', parser: Parser, mount: 'post' | 'use'): Promise<Receiver> {
  const receiver: Receiver = { name, parser, running: undefined as unknown as Running, calls: [], processed: new Set() };
  const app = flavour === 'express4' ? express4() : express();
  const middleware = createCallbackMiddleware({
    secret: SECRET,
    store: new MemoryStore(),
    bodyTimeoutMs: BODY_TIMEOUT_MS,
    onCallback: (callback) => {
      receiver.calls.push(callback);
      stats.handlerCalls += 1;
    },
  });
  const parsers = {
    none: undefined,
    json: express.json(),
    raw: express.raw({ type: () => true, limit: '1mb' }),
    text: express.text({ type: () => true, limit: '1mb' }),
  } as const;
  const before = parsers[parser];
  if (before) app.use(before as express.RequestHandler);
  if (mount === 'post') app.post('/iics/callback', middleware);
  else app.use('/iics/callback', middleware);
  app.use('/iics/callback', createCallbackErrorHandler({ secret: SECRET }) as unknown as express.ErrorRequestHandler);
  receiver.running = await listen(app as unknown as Parameters<typeof listen>[0]);
  return receiver;
}

beforeAll(async () => {
  receivers.push(
    await startFuzzReceiver('express5, reads the stream, app.post', 'express5', 'none', 'post'),
    await startFuzzReceiver('express4, reads the stream, app.use', 'express4', 'none', 'use'),
    await startFuzzReceiver('express5 after express.json()', 'express5', 'json', 'post'),
    await startFuzzReceiver('express4 after express.json()', 'express4', 'json', 'use'),
    await startFuzzReceiver('express5 after express.raw()', 'express5', 'raw', 'post'),
    await startFuzzReceiver('express4 after express.text()', 'express4', 'text', 'post'),
  );
});

afterAll(async () => {
  agent.destroy();
  await Promise.all(receivers.map((r) => r.running.close()));
  const byStatus = [...stats.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  console.log(`callback-express fuzz: ${stats.requests} HTTP requests to ${receivers.length} receivers (${byStatus}), ${stats.handlerCalls} handler calls (runs per property: ${RUNS})`);
});

interface Sent {
  method?: string;
  target?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Split the body into this many chunks, sent chunked (no Content-Length). */
  chunks?: number;
}


/** One request over a keep-alive connection, so a request that leaves a connection in a bad state breaks the next one. */
async function send(receiver: Receiver, sent: Sent, timeoutMs = 5_000): Promise<Answer> {
  const { target = `/iics/callback?secret=${encodeURIComponent(SECRET)}`, ...rest } = sent;
  // Never a hang: an answer that does not come within the timeout rejects and fails the property.
  const answer = await sendRequest(`http://127.0.0.1:${receiver.running.port}${target}`, { ...rest, timeoutMs, agent });
  stats.requests += 1;
  stats.byStatus.set(answer.status, (stats.byStatus.get(answer.status) ?? 0) + 1);
  return answer;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** What a strict reader (ours) makes of the bytes: the callback, or undefined when they are not one. */
function validCallbackIn(bytes: Buffer): CallbackUrlResponse | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  const parsed = parseCallbackUrlResponse(value);
  return parsed.ok ? parsed.value : undefined;
}

function expectAnswered(receiver: Receiver, answer: Answer, what: string): void {
  // Every answer to input is 200 or 4xx; a 5xx would make IICS retry input that can never succeed.
  expect(answer.status === 200 || (answer.status >= 400 && answer.status < 500), `${receiver.name}: ${what} → ${answer.status} ${answer.text.slice(0, 300)}`).toBe(true);
  expect(hasStackTrace(answer.text), `${receiver.name}: ${answer.text.slice(0, 300)}`).toBe(false);
  expect(answer.text).not.toContain(SECRET);
  if (answer.json?.error) expect(typeof answer.json.error.code).toBe('string');
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTO_BEFORE);
}

/**
 * Sends one request and checks the handler was called exactly when the answer says "processed", with
 * the callback a strict reader finds in the bytes (for receivers that read the bytes themselves).
 */
async function sendAndCheck(receiver: Receiver, sent: Sent, what: string): Promise<Answer> {
  const callsBefore = receiver.calls.length;
  const answer = await send(receiver, sent);
  expectAnswered(receiver, answer, what);
  const newCalls = receiver.calls.slice(callsBefore);
  if (answer.status === 200 && answer.json?.status === 'processed') {
    expect(newCalls, `${receiver.name}: ${what}`).toHaveLength(1);
    const callback = newCalls[0]!;
    expect(parseCallbackUrlResponse(callback).ok).toBe(true);
    const key = defaultKey(callback);
    expect(receiver.processed.has(key), `${receiver.name}: ${key} processed twice`).toBe(false);
    receiver.processed.add(key);
  } else {
    expect(newCalls, `${receiver.name}: ${what} → ${answer.status}`).toHaveLength(0);
  }
  const strict = receiver.parser === 'none' || (receiver.parser === 'raw' && sent.headers?.['content-encoding'] === undefined);
  const contentType = sent.headers?.['content-type'];
  const jsonType = contentType === undefined || /^application\/(json|[\w.+-]+\+json)(;\s*charset=utf-8)?$/i.test(contentType);
  if (strict && (sent.method ?? 'POST') === 'POST' && sent.target === undefined && sent.body !== undefined && jsonType && sent.headers?.['content-encoding'] === undefined) {
    const expected = sent.body.byteLength <= LIMIT ? validCallbackIn(sent.body) : undefined;
    if (expected) {
      expect(answer.status, `${receiver.name}: ${what}: ${answer.text}`).toBe(200);
      if (answer.json.status === 'processed') expect(receiver.calls.at(-1)).toEqual(expected);
    } else {
      expect(answer.status, `${receiver.name}: ${what}: ${answer.text}`).toBeGreaterThanOrEqual(400);
    }
    if (sent.body.byteLength > LIMIT) expect(answer.status).toBe(413);
  }
  return answer;
}

// ---- generators ----------------------------------------------------------------------------------

let nextRunId = 1;
/** A valid callback with a fresh runId, so that it is new to every receiver. */
const freshCallback = fc
  .record(
    {
      objectId: fc.oneof(fc.constant('0034J90000000M'), fc.string({ unit: 'binary', minLength: 1, maxLength: 30 })),
      status: fc.oneof(fc.constantFrom('COMPLETED', 'FAILED', 'STOPPED'), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 })),
      objectName: fc.string({ unit: 'binary', maxLength: 20 }),
      '@type': fc.constant('callbackUrlResponse'),
      endTime: fc.constant('2013-02-27T18:57:52.000Z'),
      extra: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: ['objectId', 'status'] },
  )
  .map((fields) => ({ ...fields, runId: nextRunId++ }))
  .filter((callback) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(callback)));

const invalidUtf8 = fc.constantFrom(
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0x80], // overlong NUL
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82], // truncated sequence
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
);

const runIdLiteral = fc.oneof(
  fc.constantFrom('-1', '-0', '0.5', '1e2', '5.0', '1E400', '9007199254740991', '9007199254740992', '9007199254740993', '18446744073709551616', '-9007199254740993', '"5"', 'null', 'true', '[]', '{}'),
  fc.integer({ min: -1_000_000, max: -1 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
);

/** A body: JSON text or bytes, built from a valid callback by one of many kinds of damage (or none). */
const body = fc.oneof(
  { weight: 3, arbitrary: freshCallback.map((c) => ({ kind: 'valid', bytes: Buffer.from(JSON.stringify(c)) })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }).map((v) => ({ kind: 'json value', bytes: Buffer.from(JSON.stringify(v) ?? 'null') })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => ({ kind: 'bytes', bytes: Buffer.from(b) })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ kind: 'text', bytes: Buffer.from(s) })) },
  {
    weight: 2,
    arbitrary: fc.tuple(freshCallback, runIdLiteral).map(([c, literal]) => ({
      kind: `runId ${literal}`,
      bytes: Buffer.from(JSON.stringify({ ...c, runId: 0 }).replace('"runId":0', `"runId":${literal}`)),
    })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(freshCallback, runIdLiteral, fc.boolean()).map(([c, literal, validLast]) => {
      // Duplicated keys: JSON.parse keeps the last, and so must the key the receiver dedupes on.
      const text = JSON.stringify(c);
      const dup = validLast ? `"runId":${literal},"runId":${c.runId}` : `"runId":${c.runId},"runId":${literal}`;
      return { kind: 'duplicated runId', bytes: Buffer.from(text.replace(`"runId":${c.runId}`, dup)) };
    }),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(freshCallback, fc.constantFrom(...FORBIDDEN_KEYS), fc.nat({ max: 6 }), fc.boolean()).map(([c, key, depth, top]) => {
      const poison = `{"${key}":{"polluted":true,"toString":"x"}}`;
      const nested = '{"a":'.repeat(depth) + poison + '}'.repeat(depth);
      const text = top ? `{"${key}":{"polluted":true},${JSON.stringify(c).slice(1)}` : `${JSON.stringify(c).slice(0, -1)},"extraField":${nested}}`;
      return { kind: `${key} key`, bytes: Buffer.from(text) };
    }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(freshCallback, invalidUtf8).map(([c, bad]) => {
      const text = JSON.stringify({ ...c, objectName: 'AB' });
      const at = text.indexOf('"AB"') + 2;
      return { kind: 'invalid UTF-8', bytes: Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bad), Buffer.from(text.slice(at))]) };
    }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(freshCallback, fc.integer({ min: LIMIT - 300, max: LIMIT + 300 })).map(([c, size]) => {
      // Padded to land around the 64 KiB limit, both sides of it.
      const base = JSON.stringify({ ...c, pad: '' });
      return { kind: `about ${size} bytes`, bytes: Buffer.from(base.replace('"pad":""', `"pad":"${'x'.repeat(Math.max(0, size - base.length))}"`)) };
    }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 40_000 }), fc.boolean()).map(([depth, arrays]) => ({
      kind: `nested ${depth} deep`,
      bytes: Buffer.from(arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
    })),
  },
  { weight: 1, arbitrary: freshCallback.map((c) => ({ kind: 'BOM', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(c))]) })) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n\t ', 'null', '[]', '{}', '"x"', '0', '{', '}', '[', 'nul', '{"objectId":') .map((t) => ({ kind: `literal ${JSON.stringify(t)}`, bytes: Buffer.from(t) })) },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 3, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json;charset=UTF8',
      'application/vnd.iics+json',
      'application/json; charset=latin1',
      'application/json; charset="utf-8"',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/octet-stream',
      'application/json;;;',
      '',
      ' ',
      '*/*',
      'application/',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x20-\x7e]{0,60}$/) },
);

const encoding = fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'identity', 'br', 'deflate', 'x-nope', '') });

const generatedRequest = fc.record({
  receiver: fc.nat({ max: 5 }),
  body,
  contentType,
  encoding,
  chunks: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
});

function toSent(r: { body: { bytes: Buffer }; contentType: string | undefined; encoding: string | undefined; chunks: number | undefined }): Sent {
  const headers: Record<string, string> = {};
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  if (r.encoding !== undefined) headers['content-encoding'] = r.encoding;
  return { headers, body: r.body.bytes, ...(r.chunks === undefined ? {} : { chunks: r.chunks }) };
}

// ---- properties -----------------------------------------------------------------------------------

describe('the receiver over real HTTP, any request', () => {
  test('every body, content type and encoding: 200 or 4xx, never 5xx or a hang; the handler runs only for a valid callback', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, async (r) => {
        const receiver = receivers[r.receiver]!;
        await sendAndCheck(receiver, toSent(r), `${r.body.kind}, ${String(r.contentType)}, ${String(r.encoding)}, chunks ${String(r.chunks)}`);
      }),
      params(RUNS * 4),
    );
  });

  test('methods, targets and secrets: a wrong or missing secret is 401 and never reaches the handler', async () => {
    const target = fc.oneof(
      fc.constant('/iics/callback'),
      fc.constant(`/iics/callback?secret=${encodeURIComponent(SECRET)}x`),
      fc.constant(`/iics/callback?secret=${encodeURIComponent(SECRET.slice(0, -1))}`),
      fc.constant('/iics/callback?secret=%E0%A4%A'),
      fc.constant('/iics/callback/%ZZ%?secret'),
      fc.stringMatching(/^[\x21-\x7e]{0,40}$/).map((q) => `/iics/callback?${q}`),
      fc.stringMatching(/^[A-Za-z0-9%._~/-]{0,30}$/).map((p) => `/iics/callback/${p}`),
    );
    const method = fc.constantFrom('POST', 'POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 5 }), target, method, freshCallback, fc.option(fc.stringMatching(/^[\x20-\x7e]{0,30}$/), { nil: undefined }), async (index, path, verb, callback, header) => {
        const receiver = receivers[index]!;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (header !== undefined) headers['x-callback-secret'] = header;
        const withBody = verb !== 'GET' && verb !== 'HEAD';
        const answer = await sendAndCheck(
          receiver,
          { method: verb, target: path, headers, ...(withBody ? { body: Buffer.from(JSON.stringify(callback)) } : {}) },
          `${verb} ${path}`,
        );
        const secretGiven = header === SECRET || new URLSearchParams(path.split('?')[1] ?? '').get('secret') === SECRET;
        // Express itself answers OPTIONS for an app.post route (200 with Allow); the middleware never sees it.
        if (!secretGiven && verb !== 'OPTIONS') expect(answer.status, `${verb} ${path}`).not.toBe(200);
        if (!secretGiven && verb === 'POST' && path.startsWith('/iics/callback?')) expect(answer.status).toBe(401);
      }),
      params(RUNS),
    );
  });

  test('concurrent deliveries of junk and of valid callbacks, duplicated: each valid callback processed exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 5 }),
        fc.array(freshCallback, { minLength: 1, maxLength: 6 }),
        fc.array(generatedRequest, { maxLength: 10 }),
        fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 24 }),
        async (index, callbacks, junk, picks) => {
          const receiver = receivers[index]!;
          const before = receiver.calls.length;
          // runIds handed out here, not by the generator: shrinking replays generated values.
          const fresh = callbacks.map((c) => ({ ...c, runId: nextRunId++ }));
          const valid = picks.map((p) => fresh[p % fresh.length]!);
          const answers = await Promise.all([
            ...valid.map((c) => send(receiver, { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(c)) })),
            ...junk.map((r) => send(receiver, toSent(r))),
          ]);
          for (const answer of answers) expectAnswered(receiver, answer, 'concurrent');
          const distinct = new Set(valid.map((c) => defaultKey(c)));
          // Junk that happens to be a valid callback is processed too; count only ours.
          const ours = receiver.calls.slice(before).filter((c) => distinct.has(defaultKey(c)));
          expect(ours, JSON.stringify({ answers: answers.map((a) => a.text), valid })).toHaveLength(distinct.size);
          for (const c of receiver.calls.slice(before)) receiver.processed.add(defaultKey(c));
          // The in-flight duplicates got 409 (IICS retries them); every other valid delivery got 200.
          for (const answer of answers.slice(0, valid.length)) expect([200, 409]).toContain(answer.status);
        },
      ),
      params(Math.max(20, Math.floor(RUNS / 3))),
    );
  });
});

describe('the receiver over real HTTP, edge cases', () => {
  test('a body that stops arriving gets 408 within bodyTimeoutMs; a client that hangs up mid-body breaks nothing', async () => {
    for (const receiver of receivers.filter((r) => r.parser === 'none')) {
      const partial = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: receiver.running.port, path: `/iics/callback?secret=${encodeURIComponent(SECRET)}`, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' }, agent: false },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
            req.destroy();
          },
        );
        req.on('error', reject);
        req.setTimeout(BODY_TIMEOUT_MS + 5_000, () => req.destroy(new Error('no answer to a partial body')));
        req.write('{"objectId":"a",');
      });
      expect(partial).toBe(408);
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port: receiver.running.port, path: '/iics/callback', method: 'POST', headers: { 'content-length': '1000' }, agent: false });
        req.on('error', () => resolve());
        req.write('{"objectId":', () => {
          req.destroy();
          setTimeout(resolve, 20);
        });
      });
    }
  });

  test('a 5 MB body sent chunked is cut off at the limit (413) and the connection can be used again', async () => {
    for (const receiver of receivers) {
      const big = Buffer.from(JSON.stringify({ objectId: 'a', runId: nextRunId++, status: 'COMPLETED', pad: 'x'.repeat(5_000_000) }));
      const answer = await sendAndCheck(receiver, { headers: { 'content-type': 'application/json' }, body: big, chunks: 50 }, '5 MB chunked');
      expect(answer.status).toBe(413);
    }
  });

  test('behind express.json() or express.raw(), a corrupt, empty or truncated compressed body is a JSON 400, not an error page', async () => {
    const gzip = (await import('node:zlib')).gzipSync(Buffer.from(JSON.stringify({ objectId: 'a', runId: nextRunId++, status: 'COMPLETED' })));
    for (const receiver of receivers.filter((r) => r.parser === 'json' || r.parser === 'raw')) {
      for (const [encoding, bytes] of [
        ['gzip', Buffer.from('{"objectId":"a"}')],
        ['gzip', Buffer.alloc(0)],
        ['gzip', gzip.subarray(0, gzip.length - 9)],
        ['deflate', Buffer.from('not deflate')],
      ] as const) {
        const answer = await sendAndCheck(receiver, { headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: bytes }, `${encoding} ${bytes.length} bytes`);
        expect(answer.status, `${receiver.name}: ${answer.text}`).toBe(400);
        expect(answer.json?.error?.code, `${receiver.name}: ${answer.text}`).toBe('invalid_json');
      }
    }
  });

  test('a header block too large for Node is refused by Node with a 4xx, and the server goes on', async () => {
    const answer = await send(receivers[0]!, { headers: { 'content-type': `application/json; x=${'y'.repeat(20_000)}` }, body: Buffer.from('{}') });
    expect(answer.status).toBe(431);
  });

  test('afterwards, every receiver still processes a valid callback, once', async () => {
    for (const receiver of receivers) {
      const callback = { '@type': 'callbackUrlResponse', objectId: '0034J90000000M', runId: nextRunId++, status: 'COMPLETED' };
      const first = await sendAndCheck(receiver, { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(callback)) }, 'final');
      const again = await sendAndCheck(receiver, { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(callback)) }, 'final again');
      expect([first.json.status, again.json.status]).toEqual(['processed', 'duplicate']);
    }
  });
});

describe('the framework-free core, any request object', () => {
  test('handle() never rejects and never answers 5xx, whatever the method, headers, target, address and body', async () => {
    let calls = 0;
    const core = createCallbackHandler({ secret: SECRET, allowedIps: ['127.0.0.0/8', '::1'], onCallback: () => void (calls += 1) });
    const headerValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }));
    const headers = fc.dictionary(
      fc.oneof(fc.constantFrom('content-type', 'Content-Type', 'content-length', 'CONTENT-LENGTH', 'content-encoding', 'x-callback-secret', '__proto__', 'constructor'), fc.string({ maxLength: 12 })),
      headerValue,
      { maxKeys: 6 },
    );
    const bodyValue = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constant(null),
      fc.constant(undefined),
      freshCallback.map((c) => JSON.stringify(c)),
    );
    const input = fc.record(
      {
        method: fc.oneof(fc.constantFrom('POST', 'post', 'GET', ''), fc.string({ maxLength: 8 })),
        url: fc.oneof(
          fc.constant(`/cb?secret=${encodeURIComponent(SECRET)}`),
          fc.constant(`/cb/${encodeURIComponent(SECRET)}`),
          fc.string({ unit: 'binary', maxLength: 60 }),
        ),
        headers,
        ip: fc.oneof(fc.constantFrom('127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', '', 'not an ip'), fc.string({ maxLength: 20 })),
        body: bodyValue,
        parsedBody: fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true }) },
          { weight: 1, arbitrary: freshCallback },
        ),
      },
      { requiredKeys: ['method', 'headers'] },
    );
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(input, async (request) => {
        tried += 1;
        const before = calls;
        const response = await core.handle(request as Parameters<typeof core.handle>[0]);
        expect(response.status === 200 || (response.status >= 400 && response.status < 500), JSON.stringify(response)).toBe(true);
        expect(JSON.stringify(response.body)).not.toContain(SECRET);
        if (calls > before) expect(response.status).toBe(200);
        expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTO_BEFORE);
      }),
      params(RUNS * 10),
    );
    console.log(`callback-express core fuzz: ${tried} request objects, ${calls} handler calls`);
  });
});
