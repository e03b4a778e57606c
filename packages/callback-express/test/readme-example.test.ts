import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { deliverCallback, fixtures } from '@iics-jobs/testing';
import { afterEach, expect, test } from 'vitest';
import { callbackUrl } from '../src/index.js';
import { hasStackTrace, send } from './helpers/http.js';
import { describeWithRedis } from './helpers/redis.js';

// The README's "Complete example" is examples/receiver.mjs, printed verbatim (test/readme.test.ts checks
// that). Here it runs as its users run it: `node receiver.mjs`, two replicas on one real Redis.
const program = join(import.meta.dirname, '..', 'examples', 'receiver.mjs');

interface Replica {
  child: ChildProcess;
  /** Where it says it receives callbacks. */
  url: string;
  /** Every stdout line so far. */
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

const started: Replica[] = [];
afterEach(async () => {
  for (const replica of started.splice(0)) {
    if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
    await replica.exited;
  }
});

function startReplica(env: Record<string, string | undefined>): Promise<Replica> {
  const child = spawn(process.execPath, [program], {
    env: { ...process.env, CALLBACK_SECRET: undefined, REDIS_URL: undefined, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const replica = { child, url: '', lines, stderr: () => stderr, exited };
  started.push(replica);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver.mjs did not start in 20 s; stderr: ${stderr}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const url = /^receiving IICS callbacks on (http:\S+)$/.exec(line)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ ...replica, url });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`receiver.mjs exited with ${code} before listening; stderr: ${stderr}`), { stderr }));
    });
  });
}

const jobEnds = (replicas: Replica[]) =>
  replicas.flatMap((replica) => replica.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)));

describeWithRedis('README complete example (examples/receiver.mjs)', (redis) => {
  test('two replicas sharing one Redis process a job end once, however IICS delivers it', async () => {
    const secret = randomBytes(24).toString('base64url');
    const replicas = await Promise.all([1, 2].map(() => startReplica({ CALLBACK_SECRET: secret, REDIS_URL: redis().url })));
    const urls = replicas.map((replica) => callbackUrl(replica.url, { secret }));
    const jobEnd = fixtures.callbackUrlResponse({ runId: randomInt(1, 2 ** 31) });

    // IICS retries until it gets a 200; here the same callback reaches both replicas, twice, at once.
    const deliveries = await Promise.all([...urls, ...urls].map((url) => deliverCallback(url, jobEnd, { timeScale: 0.001 })));

    expect(deliveries.every((delivery) => delivery.delivered)).toBe(true);
    await expect.poll(() => jobEnds(replicas)).toEqual([{ jobEnded: jobEnd.objectId, runId: jobEnd.runId, status: jobEnd.status }]);
    // Without the secret: 401, and nothing is processed.
    const forged = await deliverCallback(replicas[0]!.url, { ...jobEnd, runId: jobEnd.runId + 1 }, { schedule: [] });
    expect(forged.attempts.map((attempt) => attempt.status)).toEqual([401]);
    expect(jobEnds(replicas)).toHaveLength(1);
  });

  test('malformed JSON that express.json() refuses gets a JSON 400, not Express\'s HTML page, and 401 without the secret', async () => {
    const secret = randomBytes(24).toString('base64url');
    const replica = await startReplica({ CALLBACK_SECRET: secret, REDIS_URL: redis().url });
    const malformed = '{"objectId": "0001", "runId": ';
    const headers = { 'content-type': 'application/json' };

    const answer = await send(callbackUrl(replica.url, { secret }), { body: malformed, headers });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.json).toMatchObject({ error: { code: 'invalid_json' } });
    expect(hasStackTrace(answer.text)).toBe(false);
    expect(answer.text).not.toMatch(/<html|<pre/i);

    const unauthenticated = await send(replica.url, { body: malformed, headers });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.json).toMatchObject({ error: { code: 'unauthorized' } });
    expect(jobEnds([replica])).toEqual([]);
  });

  test('SIGTERM lets it finish and exit 0', async () => {
    const replica = await startReplica({ CALLBACK_SECRET: randomBytes(24).toString('base64url'), REDIS_URL: redis().url });
    replica.child.kill('SIGTERM');
    expect(await replica.exited).toBe(0);
  });
});

test('with CALLBACK_SECRET unset the example refuses to start, saying why, instead of accepting forged callbacks', async () => {
  // No Redis needed: it stops before it serves anything (the unreachable Redis only logs).
  const failure = await startReplica({ REDIS_URL: 'redis://127.0.0.1:1' }).then(
    () => undefined,
    (error: Error & { stderr?: string }) => error,
  );
  expect(failure, 'the receiver must not start without its secret').toBeDefined();
  expect(failure!.stderr).toMatch(/createCallbackMiddleware: secret must be/);
  expect(failure!.stderr).toMatch(/environment variable/);
});
