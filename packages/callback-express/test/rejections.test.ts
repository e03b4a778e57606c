import express from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCallbackMiddleware, type Rejection } from '../src/index.js';
import { recorder, SAMPLE } from './helpers/app.js';
import { type Answer, hasStackTrace, send } from './helpers/http.js';
import { listen, type Running } from './helpers/server.js';

const SECRET = 'cb-secret-1f9a';
const json = { 'content-type': 'application/json' };
const valid = JSON.stringify(SAMPLE);

interface Case {
  name: string;
  status: number;
  code: string;
  path?: string;
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  chunks?: number;
  /** A detail the answer must list. */
  detail?: { path: string; message: RegExp };
  message?: RegExp;
}

const cases: Case[] = [
  { name: 'GET', method: 'GET', status: 405, code: 'method_not_allowed', message: /POST.*GET/ },
  { name: 'PUT with a valid body', method: 'PUT', body: valid, headers: json, status: 405, code: 'method_not_allowed' },
  { name: 'an address outside allowedIps', headers: { ...json, 'x-forwarded-for': '198.51.100.7' }, body: valid, status: 403, code: 'forbidden', message: /198\.51\.100\.7/ },
  { name: 'no secret', path: '/iics/callback', body: valid, headers: json, status: 401, code: 'unauthorized' },
  { name: 'a wrong secret in the query', path: '/iics/callback?secret=nope', body: valid, headers: json, status: 401, code: 'unauthorized' },
  { name: 'a secret that is only a prefix of the real one', path: `/iics/callback?secret=${SECRET.slice(0, -1)}`, body: valid, headers: json, status: 401, code: 'unauthorized' },
  { name: 'a wrong secret header', body: valid, headers: { ...json, 'x-callback-secret': 'nope' }, path: '/iics/callback', status: 401, code: 'unauthorized' },
  { name: 'text/plain', body: valid, headers: { 'content-type': 'text/plain' }, status: 415, code: 'unsupported_media_type', message: /text\/plain/ },
  { name: 'a form body', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'unsupported_media_type' },
  { name: 'a latin-1 charset', body: valid, headers: { 'content-type': 'application/json; charset=iso-8859-1' }, status: 415, code: 'unsupported_media_type', message: /utf-8/ },
  { name: 'a gzip Content-Encoding', body: valid, headers: { ...json, 'content-encoding': 'gzip' }, status: 415, code: 'unsupported_media_type' },
  { name: 'a body over 64 KiB with a Content-Length', body: JSON.stringify({ ...SAMPLE, pad: 'x'.repeat(70_000) }), headers: json, status: 413, code: 'payload_too_large', message: /65536/ },
  { name: 'a body over 64 KiB sent chunked', body: JSON.stringify({ ...SAMPLE, pad: 'x'.repeat(70_000) }), headers: json, chunks: 8, status: 413, code: 'payload_too_large' },
  { name: 'an empty body', body: '', headers: json, status: 400, code: 'empty_body' },
  { name: 'an empty body without a Content-Type', body: '', status: 400, code: 'empty_body' },
  { name: 'no body at all', status: 400, code: 'empty_body' },
  { name: 'a body of spaces', body: '  \n ', headers: json, status: 400, code: 'empty_body' },
  { name: 'truncated JSON', body: valid.slice(0, 40), headers: json, status: 400, code: 'invalid_json', detail: { path: '', message: /JSON/ } },
  { name: 'malformed JSON', body: "{'objectId': 'x'}", headers: json, status: 400, code: 'invalid_json' },
  { name: 'a non-JSON body without a Content-Type', body: 'hello', status: 400, code: 'invalid_json', message: /no Content-Type/ },
  { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: json, status: 400, code: 'invalid_json', message: /UTF-8/ },
  { name: 'a __proto__ key', body: '{"__proto__":{"isAdmin":true},"objectId":"0034J90000000M","runId":5,"status":"COMPLETED"}', headers: json, status: 400, code: 'invalid_callback', detail: { path: '/__proto__', message: /__proto__/ } },
  { name: 'a nested constructor key', body: JSON.stringify({ ...SAMPLE, extra: { constructor: { prototype: {} } } }), headers: json, status: 400, code: 'invalid_callback', detail: { path: '/extra/constructor', message: /constructor/ } },
  { name: 'a missing objectId', body: JSON.stringify({ runId: 5, status: 'COMPLETED' }), headers: json, status: 400, code: 'invalid_callback', detail: { path: '/objectId', message: /objectId is required/ } },
  { name: 'runId as a string', body: JSON.stringify({ ...SAMPLE, runId: '5' }), headers: json, status: 400, code: 'invalid_callback', detail: { path: '/runId', message: /integer/ } },
  { name: 'a JSON array', body: '[]', headers: json, status: 400, code: 'invalid_callback' },
  { name: 'JSON null', body: 'null', headers: json, status: 400, code: 'invalid_callback' },
  { name: 'a JSON string', body: '"COMPLETED"', headers: json, status: 400, code: 'invalid_callback' },
  { name: 'a 10,000-deep nesting', body: `${'['.repeat(10_000)}${']'.repeat(10_000)}`, headers: json, status: 400, code: 'invalid_callback' },
];

function expectRejected(answer: Answer, c: Case): void {
  expect(answer.status, `${c.name}: ${answer.text}`).toBe(c.status);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.json).toEqual({ error: { code: c.code, message: expect.any(String), details: expect.any(Array) } });
  if (c.message) expect(answer.json.error.message).toMatch(c.message);
  if (c.detail) {
    expect(answer.json.error.details).toContainEqual({ path: c.detail.path, message: expect.stringMatching(c.detail.message) });
  }
  expect(hasStackTrace(answer.text), answer.text).toBe(false);
  expect(answer.text).not.toContain(SECRET);
}

for (const flavour of ['express5', 'express4'] as const) {
  describe(`every rejection (${flavour}), with the handler never called`, () => {
    const handler = recorder();
    const rejections: Rejection[] = [];
    let running: Running;

    beforeAll(async () => {
      const app = flavour === 'express4' ? express4() : express();
      app.set('trust proxy', 'loopback');
      app.use(
        '/iics/callback',
        createCallbackMiddleware({
          onCallback: handler.onCallback,
          secret: SECRET,
          allowedIps: ['127.0.0.0/8', '::1/128', '203.0.113.0/24'],
          onRejected: (rejection) => void rejections.push(rejection),
        }),
      );
      running = await listen(app);
    });
    afterAll(() => running.close());

    for (const c of cases) {
      test(`${c.name} → ${c.status} ${c.code}`, async () => {
        const before = rejections.length;
        const path = c.path ?? `/iics/callback?secret=${SECRET}`;
        const answer = await send(`${running.url}${path}`, {
          method: c.method ?? 'POST',
          ...(c.body === undefined ? {} : { body: c.body }),
          headers: c.headers ?? {},
          ...(c.chunks === undefined ? {} : { chunks: c.chunks }),
        });
        expectRejected(answer, c);
        if (c.status === 405) expect(answer.headers.allow).toBe('POST');
        expect(rejections.slice(before)).toEqual([{ status: c.status, code: c.code, message: answer.json.error.message, details: answer.json.error.details }]);
        expect(handler.calls).toHaveLength(0);
      });
    }

    test('the same connection still works after a 413 (the rest of the body is drained)', async () => {
      const big = await send(`${running.url}/iics/callback?secret=${SECRET}`, {
        body: JSON.stringify({ ...SAMPLE, pad: 'x'.repeat(200_000) }),
        headers: json,
        chunks: 20,
      });
      expect(big.status).toBe(413);
      const ok = await send(`${running.url}/iics/callback?secret=${SECRET}`, { body: valid, headers: json });
      expect(ok.status).toBe(200);
      handler.calls.length = 0;
    });
  });
}

describe('the secret and the address, accepted', () => {
  let running: Running;
  const handler = recorder();
  beforeAll(async () => {
    const app = express();
    app.set('trust proxy', 'loopback');
    app.use(
      '/iics',
      createCallbackMiddleware({ onCallback: handler.onCallback, secret: [SECRET, 'next-secret'], allowedIps: ['203.0.113.0/24'], key: () => `k${handler.calls.length}` }),
    );
    running = await listen(app);
  });
  afterAll(() => running.close());

  test.each([
    ['in the query', `/iics/callback?secret=${SECRET}`, {}],
    ['URL-encoded in the query', `/iics/callback?x=1&secret=${encodeURIComponent(SECRET)}`, {}],
    ['as a path segment', `/iics/${SECRET}`, {}],
    ['in the header', '/iics/callback', { 'x-callback-secret': SECRET }],
    ['the second secret (rotation)', '/iics/callback?secret=next-secret', {}],
  ])('%s, from an allowed address behind a trusted proxy', async (_name, path, extra) => {
    const before = handler.calls.length;
    const answer = await send(`${running.url}${path}`, {
      body: valid,
      headers: { ...json, 'x-forwarded-for': '203.0.113.9', ...extra },
    });
    expect(answer.status, answer.text).toBe(200);
    expect(handler.calls).toHaveLength(before + 1);
    expect(handler.calls.at(-1)?.context.request.ip).toBe('203.0.113.9');
  });

  test('X-Forwarded-For is ignored when trust proxy is off, so a forged header does not pass', async () => {
    const app = express();
    app.use('/iics', createCallbackMiddleware({ onCallback: handler.onCallback, allowedIps: ['203.0.113.0/24'] }));
    const plain = await listen(app);
    try {
      const answer = await send(`${plain.url}/iics`, { body: valid, headers: { ...json, 'x-forwarded-for': '203.0.113.9' } });
      expect(answer.status).toBe(403);
      expect(answer.json.error.message).toContain('127.0.0.1');
    } finally {
      await plain.close();
    }
  });
});
