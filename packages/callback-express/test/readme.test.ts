import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createCallbackHandler, createCallbackMiddleware } from '../src/index.js';
import { SAMPLE } from './helpers/app.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function section(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start, `README has a "${heading}" heading`).toBeGreaterThan(-1);
  const next = readme.indexOf('\n#', start + heading.length + 2);
  return readme.slice(start, next === -1 ? undefined : next);
}

describe('README', () => {
  test('prints examples/receiver.mjs verbatim as its complete example', () => {
    const example = readFileSync(join(root, 'examples/receiver.mjs'), 'utf8');
    expect(readme).toContain('```js\n' + example + '```\n');
  });

  test('the complete example imports only node: modules, express, ioredis and this package', () => {
    const example = readFileSync(join(root, 'examples/receiver.mjs'), 'utf8');
    const imported = [...example.matchAll(/^import .+ from '([^']+)';$/gm)].map((m) => m[1]!);
    expect(imported.length).toBeGreaterThan(2);
    for (const name of imported) expect(name).toMatch(/^(node:.+|express|ioredis|@iics-jobs\/callback-express)$/);
  });

  test('documents exactly the options the middleware accepts', () => {
    const documented = [...section('### Options').matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    let accepted: string[] = [];
    try {
      createCallbackMiddleware({ onCallback: () => undefined, notAnOption: 1 } as never);
    } catch (error) {
      accepted = /the options are (.+)$/.exec((error as Error).message)?.[1]?.split(', ') ?? [];
    }
    expect(accepted.length).toBeGreaterThan(5);
    expect([...documented].sort()).toEqual([...accepted].sort());
  });

  test('shows the error answer the receiver really sends', async () => {
    const shown = /```json\n(\{ "error".+\})\n```/.exec(readme)?.[1];
    expect(shown).toBeDefined();
    const core = createCallbackHandler({ onCallback: () => undefined });
    const response = await core.handle({ method: 'POST', headers: {}, body: JSON.stringify({ ...SAMPLE, runId: '5' }) });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(JSON.parse(shown!));
  });

  test('lists every answer code the sources can produce', () => {
    const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.includes('.test'))
      .map((f) => readFileSync(join(root, 'src', f), 'utf8'))
      .join('\n');
    const union = /export type CallbackErrorCode =([^;]+);/.exec(sources)?.[1] ?? '';
    const codes = [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThan(10);
    const table = section('## What it answers');
    for (const code of codes) expect(table, code).toContain(`\`${code}\``);
  });
});

describe('package', () => {
  test('imports none of its optional peers (express, ioredis, redis) from its sources', () => {
    const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.includes('.test'),
    );
    for (const file of files) {
      const text = readFileSync(join(root, 'src', file), 'utf8');
      expect(text, file).not.toMatch(/from '(express|ioredis|redis|@types\/express)[/']/);
    }
  });
});
