import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildAll, repoRoot, run } from './helpers.js';

// The root README's taskflow example, run verbatim against the built packages.

const MARK = '**Run an advanced taskflow published as an API**';

beforeAll(() => buildAll(), 180_000);

describe('README tour: advanced taskflows', () => {
  test('the example runs: the wait ends on SUSPENDED with an exact string run id; resume takes it to SUCCESS', async () => {
    const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
    const after = readme.slice(readme.indexOf(MARK));
    expect(readme.indexOf(MARK)).toBeGreaterThan(0);
    const code = /```ts\n([\s\S]*?)```/.exec(after)![1]!;
    expect(code).toContain('client.taskflows.run');
    // Plain JavaScript as written (no TypeScript-only syntax), so Node runs it as a module beside the e2e workspace.
    const dir = path.join(repoRoot, 'e2e/test-results/readme-taskflow');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'example.mjs');
    await writeFile(file, code);
    try {
      const result = await run(process.execPath, [file], { timeoutMs: 30_000 });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const [first, second] = result.stdout.trim().split('\n');
      expect(first).toMatch(/^\d{18,20} SUSPENDED$/);
      expect(second).toBe('SUCCESS');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
