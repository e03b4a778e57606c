// One callback receiver under load (benchmark 1), in its own process: node receiver-server.mjs <variant>
//   bare        express.json() and a 200: the ceiling
//   memory      createCallbackMiddleware with the default MemoryStore
//   memory-otel the same with @iics-jobs/otel subscribed to its diagnostics channels (spans recorded
//               by an SDK tracer provider, exported nowhere): what a subscriber costs per request
//   redis       createCallbackMiddleware with RedisStore (ioredis) on REDIS_URL
//   handwritten express.json() + Ajv + a Set for dedupe: what a user writes without the package
//   octokit     @octokit/webhooks' Express middleware (createNodeMiddleware): a well-kept webhook
//               receiver of another service, checking an HMAC signature per request (OCTOKIT_SECRET)
import { randomBytes } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import { Webhooks, createNodeMiddleware } from '@octokit/webhooks';
import { createCallbackMiddleware, MemoryStore, RedisStore } from '@iics-jobs/callback-express';
import { instrumentIicsJobs } from '@iics-jobs/otel';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { compileAjvCallbackValidator } from '../lib/ajv.mjs';
import { failStartup, serveParent } from '../lib/child.mjs';

const PATH = '/iics/callback';
const variant = process.argv[2];
let handled = 0;
let redis;
// BENCH_TRACK_KEYS=1 (benchmark 4): how often the handler ran per callback, for the exactly-once check.
const perKey = process.env.BENCH_TRACK_KEYS === '1' ? new Map() : undefined;
function onHandled(callback) {
  handled += 1;
  if (perKey) {
    const key = `${callback.objectId}:${callback.runId}`;
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
}

function buildApp() {
  const app = express();
  app.disable('x-powered-by');
  switch (variant) {
    case 'bare':
      app.use(express.json());
      app.post(PATH, (req, res) => {
        onHandled(req.body);
        res.status(200).end();
      });
      break;
    case 'memory':
    case 'memory-otel':
      if (variant === 'memory-otel') instrumentIicsJobs({ tracerProvider: new BasicTracerProvider() });
      // Mounted before any body parser, as the package README recommends: it reads the body itself.
      app.post(PATH, createCallbackMiddleware({ store: new MemoryStore(), onCallback: async (callback) => onHandled(callback) }));
      break;
    case 'redis': {
      redis = new Redis(process.env.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
      redis.on('error', () => undefined);
      // A prefix of its own, so a shared REDIS_URL is never touched outside it; keys expire with doneTtlMs.
      const store = new RedisStore({ client: redis, prefix: `iics-bench:${randomBytes(6).toString('hex')}:` });
      app.post(PATH, createCallbackMiddleware({ store, onCallback: async (callback) => onHandled(callback) }));
      break;
    }
    case 'handwritten': {
      const validate = compileAjvCallbackValidator();
      const seen = new Set();
      app.use(express.json());
      app.post(PATH, async (req, res) => {
        const body = req.body;
        if (!validate(body)) {
          res.status(400).json({ errors: validate.errors });
          return;
        }
        const key = `${body.objectId}:${body.runId}:${body.status}`;
        if (seen.has(key)) {
          res.status(200).json({ status: 'duplicate' });
          return;
        }
        seen.add(key);
        onHandled(body);
        res.status(200).json({ status: 'processed' });
      });
      break;
    }
    case 'octokit': {
      // Its own path check, content-type check, required headers, HMAC-SHA256 check, JSON.parse and
      // event dispatch; it answers 200 "ok" once every handler settled.
      const webhooks = new Webhooks({ secret: process.env.OCTOKIT_SECRET ?? 'bench-secret' });
      webhooks.onAny(({ payload }) => onHandled(payload));
      app.use(createNodeMiddleware(webhooks, { path: PATH }));
      break;
    }
    default:
      throw new Error(`unknown receiver variant ${variant}`);
  }
  return app;
}

try {
  const app = buildApp();
  if (redis) await redis.ping();
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(s)));
  });
  server.keepAliveTimeout = 30_000;
  const { port } = server.address();
  serveParent(
    { url: `http://127.0.0.1:${port}${PATH}` },
    {
      // cpuUs: user + system CPU of this process so far, for CPU per request between two calls.
      stats: async () => {
        const cpu = process.cpuUsage();
        return { handled, cpuUs: cpu.user + cpu.system, rssBytes: process.memoryUsage().rss };
      },
      perKey: async () => (perKey ? Object.fromEntries(perKey) : {}),
      memory: async () => {
        const cpu = process.cpuUsage();
        return { maxRssBytes: process.resourceUsage().maxRSS * 1024, rssBytes: process.memoryUsage().rss, cpuUs: cpu.user + cpu.system };
      },
    },
    async () => {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  );
} catch (error) {
  failStartup(error);
}
