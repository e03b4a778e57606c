import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { packageNames, repoRoot, run } from './helpers.js';

// What a newcomer reads first agrees with itself and with what the packages are.

const PACKAGES: readonly string[] = packageNames;
const read = (file: string) => readFile(path.join(repoRoot, file), 'utf8');

describe('the READMEs and the LICENSE', () => {
  test('a LICENSE file with the license every package declares', async () => {
    const license = await read('LICENSE');
    expect(license).toMatch(/^MIT License\n/);
    for (const name of PACKAGES) {
      const manifest = JSON.parse(await read(`packages/${name}/package.json`)) as { license: string };
      expect(manifest.license, name).toBe('MIT');
    }
  });

  test('every README says the same about ESM, require() and the TypeScript version CommonJS consumers need', async () => {
    for (const file of ['README.md', ...PACKAGES.map((name) => `packages/${name}/README.md`)]) {
      const text = await read(file);
      expect(text, file).not.toMatch(/ESM[ -]only/i);
      expect(text, file).toMatch(/Node\.js 20\.19 or later also loads (it|them) with `require\(\)`/);
      expect(text, file).toContain('TypeScript CommonJS consumers need TypeScript 5.8 or later with `"module": "nodenext"`');
    }
  });

  test('package READMEs link only to absolute URLs or their own headings (they are read on npm, outside the repository)', async () => {
    for (const name of PACKAGES) {
      const text = await read(`packages/${name}/README.md`);
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
      for (const link of links) expect(link, `packages/${name}/README.md`).toMatch(/^(https?:\/\/|#)/);
    }
  });

  test('the root README\'s install-from-tarballs commands make one tarball per package', { timeout: 120_000 }, async () => {
    const readme = await read('README.md');
    const line = readme.split('\n').find((l) => l.includes('npm pack '))!;
    expect(line).toBeDefined();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'iics-readme-pack-'));
    try {
      const pack = line.replace(/^mkdir -p \S+ && /, '').replaceAll('/tmp/iics-jobs', dir).split(' ');
      const result = await run('npm', pack.slice(1), { cwd: repoRoot, timeoutMs: 110_000 });
      expect(result.code, result.stderr).toBe(0);
      const files = await readdir(dir);
      expect(files).toHaveLength(PACKAGES.length);
      for (const name of PACKAGES) expect(files.some((f) => new RegExp(`^iics-jobs-${name}-\\d+\\.\\d+\\.\\d+.*\\.tgz$`).test(f)), `${name}: ${files.join(', ')}`).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
