import { randomBytes, randomInt } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import { type CallbackUrlResponse, callbackUrl, createCallbackMiddleware, RedisStore } from '@iics-jobs/callback-express';
import { deliverCallback, fixtures } from '@iics-jobs/testing';
import { expect, test } from 'vitest';
import { describeWithRedis } from './helpers/redis.js';
import { listen } from './helpers/server.js';

/** One replica of the receiver. Run as many as you like behind a load balancer: they share one Redis. */
export function createReceiverApp(options: {
  redis: Redis;
  secret: string;
  onJobEnd: (callback: CallbackUrlResponse) => Promise<void>;
}): express.Express {
  const app = express();
  app.set('trust proxy', 'loopback'); // req.ip: the address your proxy saw, used by allowedIps and the logs
  app.post(
    '/iics/callback',
    createCallbackMiddleware({
      secret: options.secret,
      store: new RedisStore({ client: options.redis }),
      // Runs once per job end (objectId + runId + status), however often IICS delivers it.
      // Throw to have IICS deliver it again; resolve once the outcome is safely stored.
      onCallback: (callback) => options.onJobEnd(callback),
    }),
  );
  return app;
}

describeWithRedis('README example', (redis) => {
  test('two replicas sharing one Redis process a job end once, however IICS delivers it', async () => {
    const secret = randomBytes(24).toString('base64url');
    const handled: CallbackUrlResponse[] = [];
    const onJobEnd = async (callback: CallbackUrlResponse) => {
      handled.push(callback);
    };
    const clients = [new Redis(redis().url), new Redis(redis().url)];
    const replicas = await Promise.all(clients.map((client) => listen(createReceiverApp({ redis: client, secret, onJobEnd }))));
    try {
      // What you pass as callbackURL when you start the job.
      const urls = replicas.map((replica) => callbackUrl(`${replica.url}/iics/callback`, { secret }));
      const jobEnd = fixtures.callbackUrlResponse({ runId: randomInt(1, 2 ** 31) });

      // IICS retries until it gets a 200; here the same callback reaches both replicas, twice, at once.
      const deliveries = await Promise.all([...urls, ...urls].map((url) => deliverCallback(url, jobEnd, { timeScale: 0.001 })));

      expect(deliveries.every((delivery) => delivery.delivered)).toBe(true);
      expect(handled).toEqual([jobEnd]);
      // Without the secret: 401, and the handler is not called.
      const forged = await deliverCallback(`${replicas[0]!.url}/iics/callback`, jobEnd, { schedule: [] });
      expect(forged.attempts.map((attempt) => attempt.status)).toEqual([401]);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
      await Promise.all(clients.map((client) => client.quit()));
    }
  });
});
