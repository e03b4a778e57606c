import express from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCallbackErrorHandler, createCallbackMiddleware } from '../src/index.js';
import { recorder, SAMPLE } from './helpers/app.js';
import { hasStackTrace, send } from './helpers/http.js';
import { listen, type Running } from './helpers/server.js';

type Express = typeof express;
const flavours: Array<[string, Express]> = [
  ['Express 5', express],
  ['Express 4', express4],
];

// What might run before the middleware in a real app, including parsers that read our body and ones that skip it.
// The last column: what req.body holds when the middleware sees a JSON request, so each row provably
// exercises the path it names (parsed object, Buffer, string, or the unread stream).
type Kind = 'object' | 'buffer' | 'string' | 'unread';
const parsers: Array<[string, (e: Express) => express.RequestHandler | undefined, Kind]> = [
  ['no body parser', () => undefined, 'unread'],
  ['express.json()', (e) => e.json(), 'object'],
  ['express.json({ type: "*/*" })', (e) => e.json({ type: '*/*' }), 'object'],
  ['express.raw({ type: "application/json" })', (e) => e.raw({ type: 'application/json' }), 'buffer'],
  ['express.raw({ type: "*/*" })', (e) => e.raw({ type: '*/*' }), 'buffer'],
  ['express.raw() (octet-stream only)', (e) => e.raw(), 'unread'],
  ['express.text({ type: "*/*" })', (e) => e.text({ type: '*/*' }), 'string'],
  ['express.text() (text/plain only)', (e) => e.text(), 'unread'],
  ['express.urlencoded()', (e) => e.urlencoded({ extended: false }), 'unread'],
];

function bodyKind(raw: unknown): Kind {
  const body = (raw as { body?: unknown }).body;
  if (Buffer.isBuffer(body)) return 'buffer';
  if (typeof body === 'string') return 'string';
  if (body !== null && typeof body === 'object' && Object.keys(body).length > 0) return 'object';
  return 'unread';
}

const mounts: Array<[string, (app: express.Express, mw: express.RequestHandler) => void]> = [
  ["app.post('/cb', mw)", (app, mw) => app.post('/cb', mw)],
  ["app.post('/cb/', mw)", (app, mw) => app.post('/cb/', mw)],
  ["app.use('/cb', mw)", (app, mw) => app.use('/cb', mw)],
  ["app.use('/cb/', mw)", (app, mw) => app.use('/cb/', mw)],
];

let runId = 100;

for (const [flavourName, e] of flavours) {
  describe(flavourName, () => {
    for (const [parserName, parser, kind] of parsers) {
      describe(`${parserName} mounted first`, () => {
        const handler = recorder();
        const apps: Array<[string, Running]> = [];

        beforeAll(async () => {
          for (const [mountName, mount] of mounts) {
            const app = e() as express.Express;
            const p = parser(e);
            if (p) app.use(p);
            mount(app, createCallbackMiddleware({ onCallback: handler.onCallback }));
            app.use('/cb', createCallbackErrorHandler());
            apps.push([mountName, await listen(app)]);
          }
        });
        afterAll(() => Promise.all(apps.map(([, r]) => r.close())));

        test('a callback reaches the handler through every mount, with and without a trailing slash and a Content-Type', async () => {
          for (const [mountName, r] of apps) {
            for (const path of ['/cb', '/cb/']) {
              for (const contentType of ['application/json', 'application/json; charset=utf-8', undefined]) {
                const payload = { ...SAMPLE, runId: (runId += 1) };
                const before = handler.calls.length;
                const answer = await send(`${r.url}${path}`, {
                  body: JSON.stringify(payload),
                  headers: contentType ? { 'content-type': contentType } : {},
                });
                const where = `${mountName} ${path} ${contentType ?? 'no Content-Type'}: ${answer.text}`;
                expect(answer.status, where).toBe(200);
                expect(answer.json.status, where).toBe('processed');
                expect(handler.calls.length, where).toBe(before + 1);
                expect(handler.calls.at(-1)?.callback, where).toEqual(payload);
                if (contentType === 'application/json') expect(bodyKind(handler.calls.at(-1)?.context.request.raw), where).toBe(kind);
                const again = await send(`${r.url}${path}`, { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
                expect(again.json.status, where).toBe('duplicate');
              }
            }
          }
        });

        test('bad bodies get the JSON error answer, without a stack trace, and never reach the handler', async () => {
          const before = handler.calls.length;
          const bad: Array<[string, string, Record<string, string>, number]> = [
            ['truncated JSON', JSON.stringify(SAMPLE).slice(0, 30), { 'content-type': 'application/json' }, 400],
            ['an empty body', '', { 'content-type': 'application/json' }, 400],
            ['a __proto__ payload', '{"__proto__":{"polluted":1},"objectId":"x","runId":1,"status":"COMPLETED"}', { 'content-type': 'application/json' }, 400],
            ['a missing runId', '{"objectId":"x","status":"COMPLETED"}', { 'content-type': 'application/json' }, 400],
            ['text/plain', JSON.stringify(SAMPLE), { 'content-type': 'text/plain' }, 415],
          ];
          for (const [mountName, r] of apps) {
            for (const [name, body, headers, status] of bad) {
              const answer = await send(`${r.url}/cb`, { body, headers });
              const where = `${mountName}, ${name}: ${answer.text}`;
              expect(answer.status, where).toBe(status);
              expect(answer.json?.error?.code, where).toEqual(expect.any(String));
              expect(hasStackTrace(answer.text), where).toBe(false);
            }
          }
          expect(handler.calls.length).toBe(before);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        });
      });
    }

    test('a middleware that consumed the body without keeping it: 500 saying what req.body held', async () => {
      const handler = recorder();
      const app = e() as express.Express;
      app.use((req, _res, next) => {
        req.on('end', () => next());
        req.resume();
      });
      app.post('/cb', createCallbackMiddleware({ onCallback: handler.onCallback }));
      const r = await listen(app);
      try {
        const answer = await send(`${r.url}/cb`, { body: JSON.stringify(SAMPLE), headers: { 'content-type': 'application/json' } });
        expect(answer.status).toBe(500);
        expect(answer.json.error.code).toBe('body_unavailable');
        expect(answer.json.error.message).toMatch(/already read the request body and left req\.body as (undefined|an empty object)/);
        expect(answer.json.error.message).toContain('mount the callback middleware before it');
        expect(handler.calls).toHaveLength(0);
      } finally {
        await r.close();
      }
    });

    test('without createCallbackErrorHandler, express.json() answers a malformed body itself and the handler is not called', async () => {
      const handler = recorder();
      const app = e() as express.Express;
      app.use(e.json());
      app.post('/cb', createCallbackMiddleware({ onCallback: handler.onCallback }));
      const r = await listen(app);
      try {
        const answer = await send(`${r.url}/cb`, { body: '{"objectId":', headers: { 'content-type': 'application/json' } });
        expect(answer.status).toBe(400);
        expect(handler.calls).toHaveLength(0);
      } finally {
        await r.close();
      }
    });

    test('createCallbackErrorHandler answers 401 to a malformed body without the secret, and passes other errors on', async () => {
      const app = e() as express.Express;
      app.use(e.json({ limit: 10 }));
      app.post('/cb', createCallbackMiddleware({ onCallback: () => undefined, secret: 'abc' }));
      app.get('/boom', () => {
        throw new Error('not ours');
      });
      app.use('/cb', createCallbackErrorHandler({ secret: 'abc' }));
      app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(599).end('app handler');
      });
      const r = await listen(app);
      try {
        const noSecret = await send(`${r.url}/cb`, { body: '{"objectId":', headers: { 'content-type': 'application/json' } });
        expect(noSecret.status).toBe(401);
        const tooBig = await send(`${r.url}/cb?secret=abc`, { body: JSON.stringify(SAMPLE), headers: { 'content-type': 'application/json' } });
        expect(tooBig.status).toBe(413);
        expect(tooBig.json.error.code).toBe('payload_too_large');
        const other = await send(`${r.url}/boom`, { method: 'GET' });
        expect(other.status).toBe(599);
      } finally {
        await r.close();
      }
    });
  });
}
