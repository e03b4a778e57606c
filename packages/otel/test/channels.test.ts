import { tracingChannel } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { CALLBACK_CHANNELS, callbackUrl, createCallbackMiddleware } from '@iics-jobs/callback-express';
import { CLIENT_CHANNELS, createIicsClient } from '@iics-jobs/client';
import { TESTING_CHANNELS, startFakeIics } from '@iics-jobs/testing';
import express from 'express';
import { Agent } from 'undici';
import { describe, expect, onTestFinished, test } from 'vitest';
import { IICS_JOBS_CHANNELS } from '../src/index.js';
import { listen, tracing, until } from './helpers/tracing.js';

const ALL = Object.values(IICS_JOBS_CHANNELS);

describe('channels', () => {
  test('the names this package subscribes to are the ones the packages publish on', () => {
    expect(new Set(ALL)).toEqual(new Set([...Object.values(CLIENT_CHANNELS), ...Object.values(CALLBACK_CHANNELS), ...Object.values(TESTING_CHANNELS)]));
  });

  test('instrumenting subscribes to every channel and disable() leaves none subscribed', () => {
    const t = tracing();
    for (const name of ALL) expect(tracingChannel(name).hasSubscribers, name).toBe(true);
    t.instrumentation.disable();
    for (const name of ALL) expect(tracingChannel(name).hasSubscribers, name).toBe(false);
  });

  test('no message on any channel holds the password, a session id or the callback secret', async () => {
    const messages: unknown[] = [];
    const subscriber = {
      start: (m: unknown) => messages.push(m),
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: (m: unknown) => messages.push(m),
      error: () => undefined,
    };
    for (const name of ALL) tracingChannel(name).subscribe(subscriber);
    onTestFinished(() => {
      for (const name of ALL) tracingChannel(name).unsubscribe(subscriber);
    });

    const secret = 'callback-secret-5ba1c3d4e5';
    const app = express();
    app.post('/cb', createCallbackMiddleware({ secret, onCallback: async () => undefined }));
    const base = await listen(app);
    const password = 'pa$$word-that-must-not-leak-77';
    const fake = await startFakeIics({ timeScale: 0.001, users: [{ username: 'ops', password }], tasks: [{ name: 'MT_A', type: 'MTT', durationMs: 5_000 }] });
    onTestFinished(() => fake.close());
    // Records the session ids the client sends, to look for them in the messages.
    const sessionIds = new Set<string>();
    const agent = new Agent();
    onTestFinished(() => agent.close());
    const dispatcher = agent.compose((dispatch) => (opts, handler) => {
      for (const [k, v] of Object.entries((opts.headers ?? {}) as Record<string, string>)) {
        if (/^(icsessionid|infa-session-id)$/i.test(k)) sessionIds.add(v);
      }
      return dispatch(opts, handler);
    });
    const client = createIicsClient({ loginUrl: fake.loginUrl, username: 'ops', password, dispatcher });
    onTestFinished(() => client.close());
    await client.jobs.run({ taskName: 'MT_A', taskType: 'MTT', callbackURL: callbackUrl(`${base}/cb`, { secret }) }, { pollIntervalMs: 5 });
    await expect(client.jobs.start({ taskName: 'MT_None', taskType: 'MTT' })).rejects.toThrow();
    await until(() => messages.some((m) => (m as { outcome?: string }).outcome === 'processed'), 'the callback');
    expect(sessionIds.size).toBeGreaterThan(0);

    const text = messages.map((m) => inspect(m, { depth: 8, showHidden: false })).join('\n');
    expect(messages.length).toBeGreaterThan(10);
    expect(text).not.toContain(password);
    const leak = text.indexOf(secret);
    expect(leak < 0 ? '' : text.slice(Math.max(0, leak - 600), leak + 40)).toBe('');
    for (const id of sessionIds) expect(text).not.toContain(id);
  });
});
