import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildAll, repoRoot, run } from './helpers.js';
import { HOSTILE_MODES, startHostileIics } from './hostile-iics.js';
import { describeWithRedis } from './redis.js';
import { startReplica } from './replicas.js';

// Secrets hygiene across the BUILT packages: the client, the iics-job CLI and the receiver are run
// through their error paths with a known password, session id and callback secret, and every error,
// log line, hook argument, HTTP answer and byte of stdout/stderr is searched for them.

type Testing = typeof import('@iics-jobs/testing');
type Client = typeof import('@iics-jobs/client');
type Receiver = typeof import('@iics-jobs/callback-express');
type Express = typeof import('express');
type Undici = typeof import('undici');

let testing: Testing;
let clientPkg: Client;
let receiverPkg: Receiver;
let express: Express;
let undici: Undici;

const PASSWORD = 'Pw-7f3Q "kn0wn"  /é+~x';
const WRONG_PASSWORD = 'Wr0ng-Pw-9z  "q"/ü&=';
const CALLBACK_SECRET = 'cb-Kn0wn/Secret+é=?&x 7';
const HOSTILE_SESSION = 'HSTL-sess-4f1c9e0a7b2d4c68a1e3';
const LONG_HOSTILE_SESSION = `LONG-sess-${'9c2e7a41'.repeat(7)}`;
const CLI = path.join(repoRoot, 'packages/client/dist/cli.js');

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

beforeAll(async () => {
  await buildAll();
  testing = await import('@iics-jobs/testing');
  clientPkg = await import('@iics-jobs/client');
  receiverPkg = await import('@iics-jobs/callback-express');
  express = (await import('express')).default as unknown as Express;
  undici = await import('undici');
}, 180_000);

// ---- the detector ---------------------------------------------------------------------------------

interface Secret {
  name: string;
  value: string;
}

interface Capture {
  label: string;
  text: string;
}

const WINDOW = 12;

/**
 * The forms a secret can take in text: as is or with its whitespace collapsed; each of those
 * JSON-escaped, URL- and form-encoded, base64; and any 12-character piece of the plain and the
 * JSON-escaped forms (a truncated copy is still a leak).
 */
function needles(secret: string): string[] {
  const forms = new Set<string>();
  for (const variant of new Set([secret, secret.replace(/\s+/g, ' ')])) {
    const escaped = JSON.stringify(variant).slice(1, -1);
    for (const form of [variant, escaped, encodeURIComponent(variant), new URLSearchParams({ s: variant }).toString().slice(2)]) forms.add(form);
    forms.add(Buffer.from(variant).toString('base64').replace(/=+$/, ''));
    forms.add(Buffer.from(variant).toString('base64url'));
    for (const text of [variant, escaped]) {
      if (text.length >= WINDOW + 4) for (let at = 0; at + WINDOW <= text.length; at += 1) forms.add(text.slice(at, at + WINDOW));
    }
  }
  return [...forms].filter((form) => form.length >= 8);
}

/** One line per leak: where, which secret, and the text around it with the secret masked. */
function findLeaks(captures: readonly Capture[], secrets: readonly Secret[]): string[] {
  const leaks: string[] = [];
  for (const { label, text } of captures) {
    for (const secret of secrets) {
      for (const needle of needles(secret.value)) {
        const at = text.indexOf(needle);
        if (at === -1) continue;
        const context = text.slice(Math.max(0, at - 40), at + needle.length + 40).split(needle).join(`<${secret.name}>`);
        leaks.push(`${label}: ${secret.name} in ${JSON.stringify(context)}`);
        break;
      }
    }
  }
  return leaks;
}

class Collector {
  readonly captures: Capture[] = [];
  errors = 0;

  add(label: string, text: string): void {
    this.captures.push({ label, text });
  }

  /** Everything an error can show: message, toString, inspect (causes included), JSON, stack. */
  error(label: string, error: unknown): void {
    this.errors += 1;
    this.add(`${label} (error)`, [String(error), inspect(error, { depth: 10, showHidden: true }), safeJson(error), (error as Error)?.stack ?? ''].join('\n'));
    let cause = (error as { cause?: unknown })?.cause;
    for (let depth = 0; cause !== undefined && depth < 5; depth += 1) {
      this.add(`${label} (cause ${depth})`, [String(cause), inspect(cause, { depth: 5 }), (cause as Error)?.stack ?? ''].join('\n'));
      cause = (cause as { cause?: unknown })?.cause;
    }
  }

  /** A client logger keeping every line with its fields. */
  clientLogger(label: string): Record<'debug' | 'info' | 'warn' | 'error', (message: string, fields?: Record<string, unknown>) => void> {
    const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      this.add(`${label} log ${level}`, `${message} ${safeJson(fields)} ${inspect(fields, { depth: 6 })}`);
    return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  }

  expectClean(secrets: readonly Secret[]): void {
    const leaks = findLeaks(this.captures, secrets);
    expect(leaks, `secrets leaked:\n${leaks.join('\n')}`).toEqual([]);
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `(not JSON: ${(error as Error).message})`;
  }
}

describe('the leak detector', () => {
  test('finds a secret as is, JSON-escaped, URL-encoded, form-encoded, base64, truncated or with its spaces collapsed', () => {
    const secrets = [{ name: 'password', value: PASSWORD }];
    const planted = [
      `login failed for ${PASSWORD}`,
      JSON.stringify({ password: PASSWORD }),
      `https://example.com/?p=${encodeURIComponent(PASSWORD)}`,
      `p=${new URLSearchParams({ p: PASSWORD }).toString()}`,
      Buffer.from(PASSWORD).toString('base64'),
      `${PASSWORD.slice(0, 14)}…`,
      PASSWORD.replace(/\s+/g, ' '),
      JSON.stringify(`body: ${PASSWORD.replace(/\s+/g, ' ')}`),
    ];
    for (const text of planted) expect(findLeaks([{ label: 'planted', text }], secrets), text).toHaveLength(1);
    expect(findLeaks([{ label: 'clean', text: 'IICS refused the login for user "ops.user@example.com" (HTTP 403): [redacted]' }], secrets)).toEqual([]);
  });
});

// ---- the client -----------------------------------------------------------------------------------

function callbackURL(base = 'https://jobs.example.com/iics/callback'): string {
  return receiverPkg.callbackUrl(base, { secret: CALLBACK_SECRET });
}

/** An undici Agent that notes every session id the client sends, so the check knows what to look for. */
function recordingDispatcher(): { dispatcher: InstanceType<Undici['Agent']>; sessionIds: Set<string> } {
  const sessionIds = new Set<string>();
  const agent = new undici.Agent();
  cleanups.push(() => agent.close());
  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    const headers = options.headers as Record<string, string> | undefined;
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (/^(icsessionid|infa-session-id)$/i.test(name) && typeof value === 'string') sessionIds.add(value);
    }
    return dispatch(options, handler);
  }) as unknown as InstanceType<Undici['Agent']>;
  return { dispatcher, sessionIds };
}

describe('the client and the CLI', () => {
  test('the client against the fake IICS, through every error path: no password, session id or callback secret anywhere', async () => {
    const fake = await testing.startFakeIics({
      timeScale: 0.001,
      users: [{ username: 'ops.user@example.com', password: PASSWORD }],
      tasks: [
        { name: 'MT_Load', type: 'MTT', durationMs: 200_000 },
        { name: 'MT_Long', type: 'MTT', durationMs: 60_000_000 },
      ],
    });
    cleanups.push(() => fake.close());
    const { dispatcher, sessionIds } = recordingDispatcher();
    const seen = new Collector();
    const fast = { retries: 1, minDelayMs: 1, maxDelayMs: 2 };

    for (const apiVersion of ['v2', 'v3'] as const) {
      const client = clientPkg.createIicsClient({
        loginUrl: fake.loginUrl,
        username: 'ops.user@example.com',
        password: PASSWORD,
        apiVersion,
        dispatcher,
        retry: fast,
        logger: seen.clientLogger(`client ${apiVersion}`),
      });
      let expired = false;
      const final = await client.jobs.run(
        { taskName: 'MT_Load', taskType: 'MTT', callbackURL: callbackURL() },
        {
          pollIntervalMs: 5,
          onUpdate: (status) => {
            if (!expired && status.state === 'RUNNING') {
              expired = true;
              fake.faults.expireSessions();
            }
          },
        },
      );
      expect(final.state).toBe('SUCCESS');
      // A second session for this version whether or not a poll saw RUNNING (a loaded machine can miss it).
      fake.faults.expireSessions();
      await client.jobs.status({ taskId: fake.tasks[0]!.id, runId: final.runId });
      const attempts: Array<[string, () => Promise<unknown>]> = [
        ['unknown task', () => client.jobs.start({ taskName: 'MT_Nope', taskType: 'MTT', callbackURL: callbackURL() })],
        ['unknown path', () => client.tasks.lookup({ path: 'Nope/MT_Nope', type: 'MTT' })],
        ['stop of a task not running', () => client.jobs.stop({ taskName: 'MT_Load', taskType: 'MTT' })],
        ['5xx storm', () => (fake.faults.failNext('activityMonitor', 5, 503), client.jobs.status({ taskId: fake.tasks[0]!.id, runId: 1 }))],
        ['dropped start', () => (fake.faults.dropNext('job', 1), client.jobs.start({ taskName: 'MT_Long', taskType: 'MTT', callbackURL: callbackURL() }))],
        ['wait timeout', () => client.jobs.run({ taskName: 'MT_Long', taskType: 'MTT', callbackURL: callbackURL() }, { pollIntervalMs: 5, timeoutMs: 40 })],
        ['aborted', () => client.jobs.status({ taskId: fake.tasks[0]!.id, runId: 1 }, { signal: AbortSignal.abort(new Error('stop')) })],
        ['bad argument', () => client.jobs.start({ taskName: 'MT_Load', taskType: 'XYZ' as 'MTT', callbackURL: callbackURL() })],
        ['expired then login refused', async () => {
          fake.faults.expireSessions();
          fake.faults.failNext(apiVersion === 'v2' ? 'loginV2' : 'loginV3', 1, 403);
          return client.jobs.status({ taskId: fake.tasks[0]!.id, runId: 1 });
        }],
      ];
      // What a call returns is the caller's own data (a start answer holds the callbackURL it was given): only errors and logs count.
      for (const [label, attempt] of attempts) await attempt().catch((error: unknown) => seen.error(`${apiVersion} ${label}`, error));
      seen.add(`${apiVersion} client`, `${String(client)} ${inspect(client, { depth: 10, showHidden: true })} ${safeJson(client)}`);
      await client.close();
      await client.jobs.status({ taskId: 'x', runId: 1 }).catch((error: unknown) => seen.error(`${apiVersion} after close`, error));
    }
    const wrong = clientPkg.createIicsClient({ loginUrl: fake.loginUrl, username: 'ops.user@example.com', password: WRONG_PASSWORD, dispatcher, retry: fast, logger: seen.clientLogger('wrong password') });
    await wrong.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' }).catch((error: unknown) => seen.error('wrong password', error));
    await wrong.close();
    try {
      clientPkg.createIicsClient({ loginUrl: `https://ops:${encodeURIComponent(PASSWORD)}@dm-us.informaticacloud.com`, username: 'u', password: PASSWORD });
    } catch (error) {
      seen.error('credentials in loginUrl', error);
    }

    // The check below means something only if real sessions and real errors went by.
    expect(sessionIds.size).toBeGreaterThanOrEqual(4);
    expect(seen.errors).toBeGreaterThanOrEqual(20);
    expect(seen.captures.some((c) => c.text.includes('IICS_AUTH_FAILED'))).toBe(true);
    seen.expectClean([
      { name: 'password', value: PASSWORD },
      { name: 'wrong password', value: WRONG_PASSWORD },
      { name: 'callback secret', value: CALLBACK_SECRET },
      ...[...sessionIds].map((value, i) => ({ name: `session id ${i}`, value })),
    ]);
    console.log(`secrets (client vs fake): ${seen.captures.length} texts checked, ${seen.errors} errors, ${sessionIds.size} session ids`);
  });

  test('the client against a hostile IICS that echoes the password and session id in every answer: nothing passes through', async () => {
    const seen = new Collector();
    for (const sessionId of [HOSTILE_SESSION, LONG_HOSTILE_SESSION]) {
      const hostile = await startHostileIics({ password: PASSWORD, sessionId });
      cleanups.push(() => hostile.close());
      for (const apiVersion of ['v2', 'v3'] as const) {
        for (const mode of HOSTILE_MODES) {
          hostile.mode = mode;
          const label = `${apiVersion} ${mode} ${sessionId.slice(0, 4)}`;
          const client = clientPkg.createIicsClient({
            loginUrl: hostile.loginUrl,
            username: 'ops.user@example.com',
            password: PASSWORD,
            apiVersion,
            retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 },
            logger: seen.clientLogger(label),
          });
          const calls: Array<[string, () => Promise<unknown>]> = [
            ['start', () => client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT', callbackURL: callbackURL() })],
            ['status', () => client.jobs.status({ taskId: '0119Y40Z000000000002', runId: 1 })],
            ['wait', () => client.jobs.wait({ taskId: '0119Y40Z000000000002', runId: 1 }, { pollIntervalMs: 5, timeoutMs: 50 })],
            ['lookup', () => client.tasks.lookup({ path: 'Sales/MT_Load', type: 'MTT' })],
            ['stop', () => client.jobs.stop({ taskName: 'MT_Load', taskType: 'MTT' })],
            ['logout', () => client.logout()],
          ];
          for (const [name, call] of calls) await call().catch((error: unknown) => seen.error(`${label} ${name}`, error));
          await client.close();
        }
      }
      const wrong = clientPkg.createIicsClient({ loginUrl: hostile.loginUrl, username: 'u', password: WRONG_PASSWORD, retry: { retries: 0 }, logger: seen.clientLogger('hostile wrong password') });
      await wrong.jobs.status({ taskId: 'x', runId: 1 }).catch((error: unknown) => seen.error('hostile wrong password', error));
      await wrong.close();
      expect(hostile.requests).toBeGreaterThan(50);
    }
    expect(seen.errors).toBeGreaterThanOrEqual(80);
    seen.expectClean([
      { name: 'password', value: PASSWORD },
      { name: 'wrong password', value: WRONG_PASSWORD },
      { name: 'session id', value: HOSTILE_SESSION },
      { name: 'long session id', value: LONG_HOSTILE_SESSION },
      { name: 'callback secret', value: CALLBACK_SECRET },
    ]);
    console.log(`secrets (client vs hostile IICS): ${seen.captures.length} texts checked, ${seen.errors} errors`);
  });

  test('the iics-job CLI (the built bin), against the fake and the hostile IICS and with usage mistakes: stdout and stderr are clean', async () => {
    const fake = await testing.startFakeIics({
      timeScale: 0.001,
      users: [{ username: 'ops.user@example.com', password: PASSWORD }],
      tasks: [{ name: 'MT_Load', type: 'MTT', durationMs: 20_000 }],
    });
    cleanups.push(() => fake.close());
    const hostile = await startHostileIics({ password: PASSWORD, sessionId: HOSTILE_SESSION });
    cleanups.push(() => hostile.close());
    const seen = new Collector();
    const env = (loginUrl: string, extra: Record<string, string> = {}) => ({
      ...process.env,
      IICS_LOGIN_URL: loginUrl,
      IICS_USERNAME: 'ops.user@example.com',
      IICS_PASSWORD: PASSWORD,
      ...extra,
    });
    const runs: Array<{ label: string; args: string[]; env: NodeJS.ProcessEnv; mode?: (typeof HOSTILE_MODES)[number]; exit: number }> = [
      { label: 'run', args: ['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--callback-url', callbackURL(), '--poll-interval', '10ms', '--verbose'], env: env(fake.loginUrl), exit: 0 },
      { label: 'run --json v3', args: ['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--callback-url', callbackURL(), '--poll-interval', '10ms', '--json', '--verbose'], env: env(fake.loginUrl, { IICS_API_VERSION: 'v3' }), exit: 0 },
      { label: 'run --no-wait', args: ['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--callback-url', callbackURL(), '--no-wait', '--json'], env: env(fake.loginUrl), exit: 2 },
      { label: 'unknown task', args: ['run', '--task-name', 'MT_Nope', '--task-type', 'MTT', '--callback-url', callbackURL(), '--json', '--verbose'], env: env(fake.loginUrl), exit: 7 },
      { label: 'status', args: ['status', '--task-id', fake.tasks[0]!.id, '--run-id', '1', '--verbose'], env: env(fake.loginUrl), exit: 0 },
      { label: 'wrong password', args: ['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--verbose'], env: env(fake.loginUrl, { IICS_PASSWORD: WRONG_PASSWORD }), exit: 5 },
      { label: 'hostile start', args: ['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--callback-url', callbackURL(), '--verbose', '--json'], env: env(hostile.loginUrl), mode: 'v2-error', exit: 7 },
      { label: 'hostile status', args: ['status', '--task-id', 'x', '--run-id', '1', '--verbose', '--request-timeout', '5s'], env: env(hostile.loginUrl), mode: 'wrong-types', exit: 5 },
      { label: 'hostile html', args: ['stop', '--task-name', 'MT_Load', '--task-type', 'MTT', '--verbose'], env: env(hostile.loginUrl), mode: 'html', exit: 5 },
      { label: 'password as a flag', args: ['run', '--task-name', 'MT_Load', '--task-type', 'MTT', '--password', PASSWORD], env: env(fake.loginUrl), exit: 64 },
      { label: 'password as --password=', args: ['run', `--password=${PASSWORD}`, '--task-name', 'MT_Load', '--task-type', 'MTT'], env: env(fake.loginUrl), exit: 64 },
      { label: 'credentials in the login URL', args: ['status', '--task-id', 'x', '--run-id', '1'], env: env(`https://ops:${encodeURIComponent(PASSWORD)}@dm-us.informaticacloud.com`), exit: 64 },
    ];
    for (const r of runs) {
      if (r.mode) hostile.mode = r.mode;
      const result = await run(process.execPath, [CLI, ...r.args], { env: r.env, timeoutMs: 30_000 });
      seen.add(`cli ${r.label} stdout`, result.stdout);
      seen.add(`cli ${r.label} stderr`, result.stderr);
      expect(result.code, `${r.label}: ${result.stderr}`).toBe(r.exit);
    }
    seen.expectClean([
      { name: 'password', value: PASSWORD },
      { name: 'wrong password', value: WRONG_PASSWORD },
      { name: 'session id', value: HOSTILE_SESSION },
      { name: 'callback secret', value: CALLBACK_SECRET },
    ]);
    console.log(`secrets (CLI): ${runs.length} runs, ${seen.captures.length} streams checked`);
  });
});

// ---- the receiver ---------------------------------------------------------------------------------

interface Answer {
  status: number;
  text: string;
}

async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, text: `${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}` };
}

describe('the receiver', () => {
  test('in process, after express.json(), with a logger and every hook: no callback secret in answers, logs, hooks or handler context', async () => {
    const seen = new Collector();
    const log = (level: string) => (fields: Record<string, unknown>, message: string) => seen.add(`receiver log ${level}`, `${message} ${safeJson(fields)} ${inspect(fields, { depth: 6 })}`);
    const logger = { info: log('info'), warn: log('warn'), error: log('error') };
    let calls = 0;
    type Options = Parameters<Receiver['createCallbackMiddleware']>[0];
    type Context = import('@iics-jobs/callback-express').CallbackContext;
    type RequestInfo = import('@iics-jobs/callback-express').CallbackRequestInfo;
    // Everything a hook or handler is given, but the framework's own request object.
    const shown = (info: RequestInfo) => {
      const { raw: _raw, ...rest } = info;
      return safeJson(rest);
    };
    const context = (ctx: Context) => `${ctx.key} ${ctx.receivedAt.toISOString()} ${shown(ctx.request)}`;
    const options: Options = {
      secret: CALLBACK_SECRET,
      logger,
      onRejected: (rejection, info) => seen.add('onRejected', `${safeJson(rejection)} ${shown(info)}`),
      onDuplicate: (callback, ctx) => seen.add('onDuplicate', `${safeJson(callback)} ${context(ctx)}`),
      onCallback: (callback, ctx) => {
        calls += 1;
        seen.add('onCallback', `${safeJson(callback)} ${context(ctx)}`);
        if (calls === 1) throw new Error('the database is down');
      },
    };
    const failingStore = { claim: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')), release: async () => true, markDone: async () => true };
    const app = express();
    app.use(express.json());
    app.post('/iics/callback', receiverPkg.createCallbackMiddleware(options));
    app.post('/iics/callback/:token', receiverPkg.createCallbackMiddleware(options));
    app.post('/down', receiverPkg.createCallbackMiddleware({ ...options, store: failingStore }));
    app.use(receiverPkg.createCallbackErrorHandler({ secret: CALLBACK_SECRET, logger, ...(options.onRejected ? { onRejected: options.onRejected } : {}) }) as never);
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const callback = (runId: number) => JSON.stringify({ '@type': 'callbackUrlResponse', objectId: '0119Y40Z000000000002', runId, status: 'COMPLETED' });
    const query = callbackURL(`${base}/iics/callback`);
    const inPath = receiverPkg.callbackUrl(`${base}/iics/callback`, { secret: CALLBACK_SECRET, placement: 'path' });
    const answers = [
      await post(query, callback(1)), // the handler throws: 500
      await post(query, callback(1)), // processed
      await post(query, callback(1)), // duplicate
      await post(inPath, callback(2)),
      await post(`${base}/iics/callback`, callback(3), { 'content-type': 'application/json', 'x-callback-secret': CALLBACK_SECRET }),
      await post(`${base}/iics/callback?secret=${encodeURIComponent(CALLBACK_SECRET.slice(0, -1))}`, callback(4)),
      await post(`${base}/iics/callback?secret=${encodeURIComponent(`${CALLBACK_SECRET}x`)}`, callback(4)),
      await post(`${base}/iics/callback`, callback(4), { 'content-type': 'application/json', 'x-callback-secret': CALLBACK_SECRET.replace('K', 'k') }),
      await post(query, '{"objectId":'), // express.json() fails: the error handler answers
      await post(`${base}/iics/callback?secret=wrong`, '{"objectId":'),
      await post(query, JSON.stringify({ objectId: CALLBACK_SECRET, runId: -1, status: 'COMPLETED' })),
      await post(query, callback(5), { 'content-type': 'text/plain' }),
      await post(query, JSON.stringify({ pad: 'x'.repeat(70_000) })),
      await post(callbackURL(`${base}/down`), callback(6)),
      await post(`${query}&a=1&secret2=${encodeURIComponent(CALLBACK_SECRET)}`, callback(7)),
    ];
    answers.forEach((answer, i) => seen.add(`answer ${i}`, answer.text));
    expect(answers.map((a) => a.status)).toEqual([500, 200, 200, 200, 200, 401, 401, 401, 400, 401, 400, 415, 413, 503, 200]);
    expect(seen.captures.filter((c) => c.label.startsWith('receiver log')).length).toBeGreaterThanOrEqual(12);
    // The callback's own objectId was the secret in one request: that echo is the sender's doing, so
    // only the parts of the receiver that must never hold it are checked for it.
    const echoed = JSON.stringify(CALLBACK_SECRET).slice(1, -1);
    const own = seen.captures.map((c) => ({ ...c, text: c.text.split(`"objectId":"${echoed}"`).join('"objectId":"(sent by the test)"').split(`objectId: '${CALLBACK_SECRET}'`).join('') }));
    const leaks = findLeaks(own, [{ name: 'callback secret', value: CALLBACK_SECRET }]);
    expect(leaks, leaks.join('\n')).toEqual([]);
    console.log(`secrets (receiver in process): ${answers.length} requests, ${seen.captures.length} texts checked`);
  });
});

describeWithRedis('the receiver as a process', (redis) => {
  test('a receiver process with RedisStore and a logger: no callback secret in its stdout, stderr or answers', async () => {
    const replica = await startReplica({
      REDIS_URL: redis().url,
      RECEIVER_PREFIX: `secrets-${randomBytes(4).toString('hex')}:`,
      RECEIVER_SECRET: CALLBACK_SECRET,
      RECEIVER_LOG: '1',
    });
    cleanups.push(() => replica.stop());
    const seen = new Collector();
    const body = (runId: number) => JSON.stringify({ objectId: '0119Y40Z000000000002', runId, status: 'COMPLETED' });
    const answers = [
      await post(callbackURL(replica.url), body(1)),
      await post(callbackURL(replica.url), body(1)),
      await post(receiverPkg.callbackUrl(replica.url, { secret: CALLBACK_SECRET, placement: 'path' }), body(2)),
      await post(replica.url, body(3), { 'content-type': 'application/json', 'x-callback-secret': CALLBACK_SECRET }),
      await post(`${replica.url}?secret=${encodeURIComponent(CALLBACK_SECRET.toUpperCase())}`, body(4)),
      await post(callbackURL(replica.url), '{"objectId":'),
      await post(callbackURL(replica.url), body(5), { 'content-type': 'application/xml' }),
      await post(callbackURL(`${replica.url}/extra/segments`), body(6)),
    ];
    answers.forEach((answer, i) => seen.add(`answer ${i}`, answer.text));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 401, 400, 415, 404]);
    await replica.waitFor((e) => e.event === 'processed' && String(e['key']).includes(':3:'), 'the third callback to be processed');
    await replica.stop();
    seen.add('replica stdout', replica.stdout());
    seen.add('replica stderr', replica.stderr());
    // Four processed or duplicate (info), three refused (warn); Express answers the 404 itself.
    expect(replica.events.filter((e) => e.event === 'log').length).toBeGreaterThanOrEqual(7);
    expect(replica.events.filter((e) => e.event === 'processed').map((e) => e['path'])).toContain('/iics/callback/[secret]');
    seen.expectClean([{ name: 'callback secret', value: CALLBACK_SECRET }]);
    console.log(`secrets (receiver process): ${answers.length} requests, ${replica.events.length} log events checked`);
  });
});
