import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, expect, onTestFinished, test } from 'vitest';
import { KNOWN_OPTIONS } from '../src/options.js';
import { fake } from './helpers/fake.js';
import { BIN, ensureBuilt, runBin } from './helpers/cli.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

beforeAll(() => ensureBuilt(), 60_000);

test('the README example runs against a fake IICS', async () => {
  const server = await fake({ tasks: [{ name: 'MT_Load_Orders', type: 'MTT', path: 'Sales/Nightly/MT_Load_Orders' }] });
  const example = /```ts\n(import \{ createIicsClient[\s\S]*?)```/.exec(readme)![1]!;
  const dist = pathToFileURL(BIN.replace(/cli\.js$/, 'index.js')).href;
  // Only two edits: where the package is, and a poll interval for a job that takes 30 ms.
  const script = example.replace("'@iics-jobs/client'", `'${dist}'`).replace('pollIntervalMs: 10_000', 'pollIntervalMs: 10');
  const dir = mkdtempSync(join(tmpdir(), 'iics-readme-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'run.mjs'), script);
  const result = await runBin([], {}, 15_000, join(dir, 'run.mjs'), {
    IICS_LOGIN_URL: server.loginUrl,
    IICS_USERNAME: server.credentials.username,
    IICS_PASSWORD: server.credentials.password,
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^SUCCESS \d{4}-/m);
  expect(server.runs[0]).toMatchObject({ taskName: 'MT_Load_Orders', state: 'SUCCESS' });
});

test('the options table documents exactly the options createIicsClient takes', () => {
  const section = readme.slice(readme.indexOf('### `createIicsClient(options)`'), readme.indexOf('### Jobs'));
  const documented = [...section.matchAll(/^\| `(\w+)`(?:, `(\w+)`)? \|/gm)].flatMap((m) => [m[1], m[2]]).filter(Boolean);
  expect(documented.sort()).toEqual([...KNOWN_OPTIONS].sort());
});
