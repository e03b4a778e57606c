#!/usr/bin/env node
// An Express service that starts IICS jobs on request and learns of their end from IICS's callbacks.
//
//   POST /jobs             { "taskName": "MT_Load", "taskType": "MTT" }  → 202 { taskId, runId, statusUrl }
//   GET  /jobs/:taskId/:runId                                            → { state: "RUNNING" | "COMPLETED" | "FAILED", ... }
//   POST /iics/callback    (IICS posts here; each job end is handled once, however often it is delivered)
//
//   IICS_LOGIN_URL=... IICS_USERNAME=... IICS_PASSWORD=... PUBLIC_BASE_URL=https://jobs.example.com \
//   CALLBACK_SECRET=... PORT=8080 node examples/express-service.mjs
//
// PUBLIC_BASE_URL is where IICS can reach this service. Several replicas can share REDIS_URL (ioredis) so that a
// callback is processed once across all of them.
import express from 'express';
import { createIicsClient, isIicsError } from '@iics-jobs/client';
import { callbackUrl, createCallbackMiddleware, MemoryStore, RedisStore } from '@iics-jobs/callback-express';

export function createService({ client, publicBaseUrl, secret, store = new MemoryStore(), onJobEnded = () => {} }) {
  // What this replica knows of each run; a real service would keep it in its database.
  const runs = new Map();
  const app = express();

  app.post(
    '/iics/callback',
    createCallbackMiddleware({
      secret,
      store,
      onCallback: async (callback) => {
        runs.set(`${callback.objectId}/${callback.runId}`, { state: callback.status, endTime: callback.endTime });
        await onJobEnded(callback);
      },
    }),
  );

  app.post('/jobs', express.json(), async (req, res) => {
    try {
      const started = await client.jobs.start({
        ...req.body,
        callbackURL: callbackUrl(`${publicBaseUrl}/iics/callback`, { secret }),
      });
      const key = `${started.taskId}/${started.runId}`;
      if (!runs.has(key)) runs.set(key, { state: 'RUNNING' });
      res.status(202).json({ taskId: started.taskId, runId: started.runId, statusUrl: `/jobs/${key}` });
    } catch (error) {
      const status = isIicsError(error) && ['IICS_INVALID_ARGUMENT', 'IICS_TASK_NOT_FOUND'].includes(error.code) ? 400 : 502;
      res.status(status).json({ error: { code: isIicsError(error) ? error.code : 'INTERNAL', message: error.message } });
    }
  });

  app.get('/jobs/:taskId/:runId', (req, res) => {
    const run = runs.get(`${req.params.taskId}/${req.params.runId}`);
    if (!run) return res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such run started here' } });
    res.json({ taskId: req.params.taskId, runId: Number(req.params.runId), ...run });
  });

  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = createIicsClient({
    loginUrl: process.env.IICS_LOGIN_URL,
    username: process.env.IICS_USERNAME,
    password: process.env.IICS_PASSWORD,
  });
  let store;
  if (process.env.REDIS_URL) {
    const { Redis } = await import('ioredis');
    store = new RedisStore({ client: new Redis(process.env.REDIS_URL) });
  }
  const app = createService({
    client,
    publicBaseUrl: process.env.PUBLIC_BASE_URL,
    secret: process.env.CALLBACK_SECRET,
    store,
    onJobEnded: (cb) => console.log(`job ended: ${cb.objectName ?? cb.objectId} run ${cb.runId} ${cb.status}`),
  });
  const server = app.listen(Number(process.env.PORT ?? 8080), () => console.log(`listening on ${server.address().port}`));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
}
