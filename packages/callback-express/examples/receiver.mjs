#!/usr/bin/env node
// One replica of an IICS callback receiver. Run as many as you like behind a load balancer: they share
// one Redis, so each job end is processed once across all of them, however often IICS delivers it.
//
//   CALLBACK_SECRET=... REDIS_URL=redis://127.0.0.1:6379 PORT=3000 node receiver.mjs
//
// Start each job with callbackURL = callbackUrl('https://<where IICS reaches you>/iics/callback', { secret }).
import express from 'express';
import { Redis } from 'ioredis';
import { createCallbackErrorHandler, createCallbackMiddleware, RedisStore } from '@iics-jobs/callback-express';

// Unset, this is undefined and createCallbackMiddleware throws: a missing secret never means "no secret".
const secret = process.env.CALLBACK_SECRET;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
// Without a listener ioredis prints every failed reconnect. While Redis is down the receiver answers 503
// and IICS delivers the callback again later.
redis.on('error', (error) => console.error(`redis: ${error.message}`));

const app = express();
app.set('trust proxy', 'loopback'); // req.ip: the address your proxy saw, used by allowedIps and the logs
app.use(express.json()); // the rest of your app may parse JSON first: the receiver takes the parsed body
app.post(
  '/iics/callback',
  createCallbackMiddleware({
    secret,
    store: new RedisStore({ client: redis }),
    // Runs once per job end (objectId + runId + status). Throw to have IICS deliver it again;
    // resolve once the outcome is safely stored.
    onCallback: async (callback) => {
      console.log(JSON.stringify({ jobEnded: callback.objectId, runId: callback.runId, status: callback.status }));
    },
  }),
);
// A body that express.json() refuses (malformed, too large) gets the receiver's JSON 400 or 413
// (401 without the secret) instead of Express's HTML error page.
app.use('/iics/callback', createCallbackErrorHandler({ secret }));

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`receiving IICS callbacks on http://${process.env.HOST ?? '127.0.0.1'}:${server.address().port}/iics/callback`);
});
// Finish the callbacks in flight, then leave.
process.once('SIGTERM', () => server.close(() => redis.quit().finally(() => process.exit(0))));
