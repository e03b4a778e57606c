import { startFakeIics, type FakeIics, type StartFakeIicsOptions } from '@iics-jobs/testing';
import { Agent, type Dispatcher } from 'undici';
import { onTestFinished } from 'vitest';
import { createIicsClient, type IicsClient, type IicsClientOptions } from '../../src/index.js';

/** Jobs of the default 30 000 fake ms take 30 real ms at this scale. */
export const TIME_SCALE = 0.001;

/** A fake IICS for one test, closed when the test ends. */
export async function fake(options: StartFakeIicsOptions = {}): Promise<FakeIics> {
  const server = await startFakeIics({ timeScale: TIME_SCALE, ...options });
  onTestFinished(() => server.close());
  return server;
}

export interface TestClient {
  client: IicsClient;
  /** Every log line the client wrote ("level message {fields}"). */
  logs: string[];
}

/** A client on the fake with fast retries and a logger that keeps its lines; closed when the test ends. */
export function clientFor(server: FakeIics, options: Partial<IicsClientOptions> = {}): TestClient {
  const logs: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  };
  const client = createIicsClient({
    loginUrl: server.loginUrl,
    username: server.credentials.username,
    password: server.credentials.password,
    retry: { retries: 6, minDelayMs: 2, maxDelayMs: 20 },
    timeouts: { requestMs: 5_000, loginMs: 5_000, connectMs: 2_000 },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    ...options,
  });
  onTestFinished(() => client.close());
  return { client, logs };
}

/** How many requests of a route the fake has received. */
export function count(server: FakeIics, route: string): number {
  return server.requests.filter((r) => r.route === route).length;
}

/**
 * An Agent that records the session ids the client sends, so that a test can look for them in
 * everything the client printed or threw.
 */
export function recordingDispatcher(): { dispatcher: Dispatcher; sessionIds: Set<string> } {
  const sessionIds = new Set<string>();
  const agent = new Agent();
  onTestFinished(() => agent.close());
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    const headers = opts.headers as Record<string, string> | undefined;
    if (headers && !Array.isArray(headers)) {
      for (const [k, v] of Object.entries(headers)) {
        if (/^(icsessionid|infa-session-id|ids-session-id)$/i.test(k) && typeof v === 'string') sessionIds.add(v);
      }
    }
    return dispatch(opts, handler);
  });
  return { dispatcher, sessionIds };
}
