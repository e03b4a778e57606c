import { readFileSync } from 'node:fs';
import { tracingChannel } from 'node:diagnostics_channel';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALLBACK_CHANNELS, callbackUrl, createCallbackMiddleware } from '@iics-jobs/callback-express';
import { CLIENT_CHANNELS, createIicsClient } from '@iics-jobs/client';
import { TESTING_CHANNELS, startFakeIics } from '@iics-jobs/testing';
import express from 'express';
import { describe, expect, onTestFinished, test } from 'vitest';
import { listen, until } from './helpers/tracing.js';

const packages = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The README's "Diagnostics channels" table: channel name → the fields named in its last column. */
function documented(pkg: string): Map<string, Set<string>> {
  const readme = readFileSync(path.join(packages, pkg, 'README.md'), 'utf8');
  const section = readme.split('## Diagnostics channels')[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, Set<string>>();
  for (const line of section.split('\n')) {
    const cells = line.split(' | ');
    const name = /^\| `([^`]+)`/.exec(line)?.[1];
    if (!name) continue;
    rows.set(name, new Set([...cells.at(-1)!.matchAll(/`(\w+)`/g)].map((m) => m[1]!)));
  }
  return rows;
}

describe('the READMEs list every channel and every field its messages carry', () => {
  test('names: each package README lists exactly the channels the package exports', () => {
    expect([...documented('client').keys()].sort()).toEqual(Object.values(CLIENT_CHANNELS).sort());
    expect([...documented('callback-express').keys()].sort()).toEqual(Object.values(CALLBACK_CHANNELS).sort());
    expect([...documented('testing').keys()].sort()).toEqual(Object.values(TESTING_CHANNELS).sort());
  });

  test('fields: every field of every message published in a run, a stop, a lookup and a callback is documented', async () => {
    const seen = new Map<string, Set<string>>();
    const unsubscribe: Array<() => void> = [];
    for (const name of [...Object.values(CLIENT_CHANNELS), ...Object.values(CALLBACK_CHANNELS), ...Object.values(TESTING_CHANNELS)]) {
      const keys = new Set<string>();
      seen.set(name, keys);
      const record = (m: object): void => Object.entries(m).forEach(([k, v]) => v !== undefined && keys.add(k));
      const subscriber = { start: record, end: () => undefined, asyncStart: () => undefined, asyncEnd: record, error: () => undefined };
      tracingChannel(name).subscribe(subscriber);
      unsubscribe.push(() => tracingChannel(name).unsubscribe(subscriber));
    }
    onTestFinished(() => unsubscribe.forEach((u) => u()));

    const app = express();
    app.post('/cb', createCallbackMiddleware({ secret: 's3cret-value', onCallback: async () => undefined }));
    const base = await listen(app);
    const fake = await startFakeIics({ timeScale: 0.001, tasks: [{ name: 'MT_Doc', type: 'MTT', durationMs: 60_000, path: 'Sales/MT_Doc' }] });
    onTestFinished(() => fake.close());
    const client = createIicsClient({ loginUrl: fake.loginUrl, ...fake.credentials });
    onTestFinished(() => client.close());
    const started = await client.jobs.start({ path: 'Sales/MT_Doc', taskType: 'MTT' });
    await client.jobs.stop({ path: 'Sales/MT_Doc', taskType: 'MTT', cleanStop: true });
    expect(started.runId).toBe(1);
    await client.jobs.run({ path: 'Sales/MT_Doc', taskType: 'MTT', callbackURL: callbackUrl(`${base}/cb`, { secret: 's3cret-value' }) }, { pollIntervalMs: 5, timeoutMs: 20_000 });
    await until(() => (seen.get(CALLBACK_CHANNELS.handler)?.size ?? 0) > 0 && (seen.get(TESTING_CHANNELS.callbackAttempt)?.has('statusCode') ?? false), 'the callback');

    const docs = new Map([...documented('client'), ...documented('callback-express'), ...documented('testing')]);
    for (const [name, keys] of seen) {
      expect(keys.size, `${name} published nothing in this scenario`).toBeGreaterThan(0);
      const undocumented = [...keys].filter((k) => k !== 'error' && !docs.get(name)?.has(k));
      expect(undocumented, name).toEqual([]);
    }
  });
});
