import express from 'express';
import express4 from 'express4';
import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { type CallbackContext, type CallbackMiddlewareOptions, createCallbackMiddleware } from '../../src/index.js';
import { listen, type Running } from './server.js';

/** The documentation's sample callback, written out so the tests that do not need @iics-jobs/testing stand alone. */
export const SAMPLE: CallbackUrlResponse = {
  '@type': 'callbackUrlResponse',
  endTime: '2013-02-27T18:57:52.000Z',
  objectId: '0034J90000000M',
  objectName: 'taskName',
  runId: 5,
  status: 'COMPLETED',
};

export interface Recorder {
  calls: Array<{ callback: CallbackUrlResponse; context: CallbackContext }>;
  onCallback: (callback: CallbackUrlResponse, context: CallbackContext) => Promise<void>;
}

/** A handler that records its calls and runs `body` (default: nothing) for each. */
export function recorder(body: (callback: CallbackUrlResponse, call: number) => unknown = () => undefined): Recorder {
  const calls: Recorder['calls'] = [];
  return {
    calls,
    onCallback: async (callback, context) => {
      calls.push({ callback, context });
      await body(callback, calls.length);
    },
  };
}

export type ExpressFlavour = 'express4' | 'express5';

/** An Express app (4 or 5) with the middleware on `path` by app.post, on 127.0.0.1:0. */
export async function startReceiver(
  options: CallbackMiddlewareOptions,
  setup: { flavour?: ExpressFlavour; path?: string; before?: unknown[]; trustProxy?: string } = {},
): Promise<Running & { callbackUrl: string; middleware: ReturnType<typeof createCallbackMiddleware> }> {
  const { flavour = 'express5', path = '/iics/callback', before = [], trustProxy } = setup;
  const app = flavour === 'express4' ? express4() : express();
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  const middleware = createCallbackMiddleware(options);
  for (const parser of before) app.use(parser as express.RequestHandler);
  app.post(path, middleware);
  const running = await listen(app);
  return { ...running, callbackUrl: `${running.url}${path}`, middleware };
}
