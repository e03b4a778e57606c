import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { packageNames, repoRoot, run } from './helpers.js';

describe('nx release (dry run)', () => {
  test('moves every package to one version and pins their dependencies on each other to it', async () => {
    // nx prints the UPDATE headings on stderr and the diffs on stdout: merge them in order.
    const result = await run('sh', ['-c', 'node_modules/.bin/nx release 9.8.7 --dry-run --skip-publish 2>&1'], {
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    // eslint-disable-next-line no-control-regex
    const out = (result.stdout + result.stderr).replace(/\u001b\[[0-9;]*m/g, '');
    expect(result.code, out).toBe(0);
    for (const name of packageNames) {
      const pkg = JSON.parse(await readFile(path.join(repoRoot, 'packages', name, 'package.json'), 'utf8')) as {
        version: string;
        dependencies?: Record<string, string>;
      };
      // The diff nx prints for this package: the version line and every internal dependency move to 9.8.7.
      const section = out.split(/UPDATE /).find((part) => part.startsWith(`packages/${name}/package.json`));
      expect(section, `no update of packages/${name}/package.json in:\n${out}`).toBeDefined();
      expect(section).toContain(`-   "version": "${pkg.version}",`);
      expect(section).toContain('+   "version": "9.8.7",');
      for (const dep of Object.keys(pkg.dependencies ?? {}).filter((d) => d.startsWith('@iics-jobs/'))) {
        expect(section).toContain(`+     "${dep}": "9.8.7"`);
      }
    }
    expect(out).toMatch(/CHANGELOG\.md \[dry-run\]/);
    // A dry run changes nothing.
    const schema = JSON.parse(await readFile(path.join(repoRoot, 'packages/schema/package.json'), 'utf8')) as { version: string };
    expect(schema.version).not.toBe('9.8.7');
  });

  test('all packages share one version today, and internal dependencies are pinned to it exactly', async () => {
    const versions = new Set<string>();
    for (const name of packageNames) {
      const pkg = JSON.parse(await readFile(path.join(repoRoot, 'packages', name, 'package.json'), 'utf8')) as {
        version: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      versions.add(pkg.version);
      for (const [dep, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
        if (dep.startsWith('@iics-jobs/')) expect(range, `${name} → ${dep}`).toBe(pkg.version);
      }
    }
    expect([...versions]).toHaveLength(1);
  });
});
