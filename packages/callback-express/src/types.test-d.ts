import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Redis, Cluster } from 'ioredis';
import type { createClient } from 'redis';
import { describe, expectTypeOf, test } from 'vitest';
import {
  type CallbackContext,
  type CallbackLogger,
  type CallbackStore,
  type CallbackUrlResponse,
  createCallbackErrorHandler,
  createCallbackHandler,
  createCallbackMiddleware,
  createCompletionHub,
  MemoryStore,
  type RedisClientLike,
  RedisStore,
} from './index.js';

describe('Express', () => {
  test('the middleware is an Express RequestHandler for app.post and app.use', () => {
    const mw = createCallbackMiddleware({ onCallback: () => undefined });
    expectTypeOf(mw).toExtend<RequestHandler>();
    expectTypeOf(createCallbackErrorHandler()).toExtend<ErrorRequestHandler>();
    const app = express();
    app.post('/cb', mw);
    app.use('/cb', mw, createCallbackErrorHandler());
  });

  test('onCallback gets the typed callback and its context', () => {
    createCallbackMiddleware({
      onCallback: async (callback, context) => {
        expectTypeOf(callback).toEqualTypeOf<CallbackUrlResponse>();
        expectTypeOf(callback.runId).toEqualTypeOf<number>();
        expectTypeOf(context).toEqualTypeOf<CallbackContext>();
        expectTypeOf(context.receivedAt).toEqualTypeOf<Date>();
      },
    });
  });

  test('options are checked', () => {
    // @ts-expect-error onCallback is required (or hub)
    createCallbackMiddleware({});
    // A hub alone is enough: it may be all a receiver feeds.
    createCallbackMiddleware({ hub: createCompletionHub() });
    // @ts-expect-error unknown option
    createCallbackMiddleware({ onCallback: () => undefined, secrets: 'x' });
    // @ts-expect-error limit is bytes or a string
    createCallbackMiddleware({ onCallback: () => undefined, limit: true });
  });
});

describe('stores and loggers', () => {
  test('ioredis clients and clusters, and node-redis clients, are accepted by RedisStore', () => {
    expectTypeOf<Redis>().toExtend<RedisClientLike>();
    expectTypeOf<Cluster>().toExtend<RedisClientLike>();
    expectTypeOf<ReturnType<typeof createClient>>().toExtend<RedisClientLike>();
    // @ts-expect-error a client is required
    new RedisStore({});
  });

  test('both stores implement CallbackStore', () => {
    expectTypeOf<MemoryStore>().toExtend<CallbackStore>();
    expectTypeOf<RedisStore>().toExtend<CallbackStore>();
  });

  test('a pino logger fits (pino LogFn overloads, written out since pino is not installed), and so does console', () => {
    interface PinoLogFn {
      <T extends object>(obj: T, msg?: string, ...args: unknown[]): void;
      (obj: unknown, msg?: string, ...args: unknown[]): void;
      (msg: string, ...args: unknown[]): void;
    }
    interface PinoLike {
      level: string;
      info: PinoLogFn;
      warn: PinoLogFn;
      error: PinoLogFn;
      debug: PinoLogFn;
      child(bindings: Record<string, unknown>): PinoLike;
    }
    expectTypeOf<PinoLike>().toExtend<CallbackLogger>();
    expectTypeOf<Console>().toExtend<CallbackLogger>();
  });

  test('the framework-free core answers with a status, headers and a JSON body', async () => {
    const handler = createCallbackHandler({ onCallback: () => undefined });
    const response = await handler.handle({ method: 'POST', headers: {}, body: '{}' });
    expectTypeOf(response.status).toEqualTypeOf<number>();
    expectTypeOf(response.headers).toEqualTypeOf<Record<string, string>>();
  });
});

describe('completion hub', () => {
  test('waitFor resolves with the typed callback; redis takes the clients RedisStore takes', () => {
    const hub = createCompletionHub();
    expectTypeOf(hub.waitFor({ taskId: 't', runId: 1 })).toEqualTypeOf<Promise<CallbackUrlResponse>>();
    createCompletionHub({ redis: {} as Redis });
    createCompletionHub({ redis: {} as ReturnType<typeof createClient> });
    // @ts-expect-error runIds of jobs are numbers
    void hub.waitFor({ taskId: 't', runId: '1' });
  });
});
