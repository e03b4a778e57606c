// Installs the packed packages into a project outside the workspace, the way a user gets them from npm,
// and uses every public entry point from ESM, from CommonJS, from TypeScript and from the bins.
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildAll, packageNames, repoRoot, run } from './helpers.js';

interface PackedManifest {
  name: string;
  version: string;
  bin?: Record<string, string>;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
}

let work: string;
let consumer: string;
const tarballs = new Map<string, string>();
const manifests = new Map<string, PackedManifest>();

/** Where the workspace's npm install put `dep` for the package in `pkgDir` (nested first, then hoisted). */
function installedDependency(pkgDir: string, dep: string): string {
  for (const base of [path.join(pkgDir, 'node_modules'), path.join(repoRoot, 'node_modules')]) {
    const candidate = path.join(base, dep);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${dep} is not installed in the workspace`);
}

async function link(target: string, at: string): Promise<void> {
  await mkdir(path.dirname(at), { recursive: true });
  await symlink(target, at, 'dir');
}

beforeAll(async () => {
  await buildAll();
  work = await mkdtemp(path.join(tmpdir(), 'iics-consumer-'));
  const packDir = path.join(work, 'tarballs');
  consumer = path.join(work, 'app');
  await mkdir(packDir, { recursive: true });
  await mkdir(path.join(consumer, 'node_modules/.bin'), { recursive: true });
  await writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));

  for (const name of packageNames) {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: path.join(repoRoot, 'packages', name) });
    expect(packed.code, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
    const tarball = path.join(packDir, info!.filename.replace(/^@/, '').replace('/', '-'));
    tarballs.set(name, tarball);
    // Unpack as npm install does: node_modules/@iics-jobs/<name>, bins executable and linked in node_modules/.bin.
    const dest = path.join(consumer, 'node_modules/@iics-jobs', name);
    await mkdir(dest, { recursive: true });
    const untar = await run('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1']);
    expect(untar.code, untar.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(dest, 'package.json'), 'utf8')) as PackedManifest;
    manifests.set(name, manifest);
    for (const [bin, file] of Object.entries(manifest.bin ?? {})) {
      await chmod(path.join(dest, file), 0o755);
      await symlink(path.join('..', '@iics-jobs', name, file), path.join(consumer, 'node_modules/.bin', bin));
    }
    // Only the dependencies the package declares are installed next to it: a missing declaration fails the imports.
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (dep.startsWith('@iics-jobs/')) continue;
      await link(installedDependency(path.join(repoRoot, 'packages', name), dep), path.join(dest, 'node_modules', dep));
    }
  }
  // The consumer's own dependencies: express for its app, vitest for the vitest helper, types for tsc.
  // @iics-jobs/otel's peer dependency, and the SDK an application sets up beside it.
  for (const dep of ['express', 'vitest', '@types/express', '@types/node', '@opentelemetry/api', '@opentelemetry/sdk-trace-base']) {
    await link(path.join(repoRoot, 'node_modules', dep), path.join(consumer, 'node_modules', dep));
  }
}, 240_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const entryPoints = {
  '@iics-jobs/schema': ['parseCallbackUrlResponse', 'CallbackUrlResponse', 'TASK_TYPES', 'CALLBACK_STATUSES', 'ACTIVITY_STATE'],
  '@iics-jobs/client': ['createIicsClient', 'IicsError'],
  '@iics-jobs/callback-express': ['createCallbackMiddleware', 'MemoryStore', 'RedisStore', 'callbackUrl'],
  '@iics-jobs/testing': ['startFakeIics', 'deliverCallback', 'callbackRetrySchedule', 'fixtures'],
  '@iics-jobs/otel': ['instrumentIicsJobs', 'withTraceContext', 'IICS_JOBS_CHANNELS'],
} as const;

describe('a consumer project with the packed packages', () => {
  test('every tarball holds dist, README and package.json, and no tests or build info', async () => {
    for (const name of packageNames) {
      const listing = await run('tar', ['-tzf', tarballs.get(name)!]);
      const files = listing.stdout.split('\n').filter(Boolean);
      expect(files, name).toContain('package/dist/index.js');
      expect(files, name).toContain('package/dist/index.d.ts');
      expect(files, name).toContain('package/README.md');
      expect(files.filter((f) => /\.test\.|tsbuildinfo/.test(f)), name).toEqual([]);
    }
  });

  test('ESM: every public entry point imports and a job runs end to end', async () => {
    const lines = [
      ...Object.entries(entryPoints).map(
        ([mod, names], i) => `import * as m${i} from '${mod}';\nfor (const n of ${JSON.stringify(names)}) if (!(n in m${i})) throw new Error('${mod} lacks ' + n);`,
      ),
      "import * as vitestHelper from '@iics-jobs/testing/vitest';",
      "if (Object.keys(vitestHelper).length === 0) throw new Error('@iics-jobs/testing/vitest exports nothing');",
      "const { startFakeIics } = m3; const { createIicsClient } = m1;",
      "const fake = await startFakeIics({ timeScale: 0.001, tasks: [{ name: 'MT_Consumer', type: 'MTT', durationMs: 5000 }] });",
      'try {',
      '  const client = createIicsClient({ loginUrl: fake.loginUrl, ...fake.credentials });',
      "  const status = await client.jobs.run({ taskName: 'MT_Consumer', taskType: 'MTT' }, { pollIntervalMs: 20, timeoutMs: 20000 });",
      '  console.log(`state=${status.state}`);',
      '  await client.logout();',
      '} finally { await fake.close(); }',
    ];
    await writeFile(path.join(consumer, 'esm.mjs'), lines.join('\n'));
    const result = await run('node', ['esm.mjs'], { cwd: consumer, timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('state=SUCCESS');
    expect(result.code).toBe(0);
  });

  test('@iics-jobs/otel, installed beside the OpenTelemetry SDK, gives the spans of a job run', async () => {
    const lines = [
      "import { instrumentIicsJobs } from '@iics-jobs/otel';",
      "import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';",
      "import { createIicsClient } from '@iics-jobs/client';",
      "import { startFakeIics } from '@iics-jobs/testing';",
      'const exporter = new InMemorySpanExporter();',
      'const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });',
      'const instrumentation = instrumentIicsJobs({ tracerProvider });',
      "const fake = await startFakeIics({ timeScale: 0.001, tasks: [{ name: 'MT_Traced', type: 'MTT', durationMs: 5000 }] });",
      'const client = createIicsClient({ loginUrl: fake.loginUrl, ...fake.credentials });',
      "await client.jobs.run({ taskName: 'MT_Traced', taskType: 'MTT' }, { pollIntervalMs: 20 });",
      'await client.close(); await fake.close(); instrumentation.disable();',
      "const names = new Set(exporter.getFinishedSpans().map((s) => s.name));",
      "console.log(['iics.job.run', 'iics.job.start', 'iics.login', 'iics.job.wait', 'iics.job.status'].filter((n) => names.has(n)).join(','));",
    ];
    await writeFile(path.join(consumer, 'otel.mjs'), lines.join('\n'));
    const result = await run('node', ['otel.mjs'], { cwd: consumer, timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('iics.job.run,iics.job.start,iics.login,iics.job.wait,iics.job.status');
  });

  test('CommonJS: require() of every entry point works (Node >= 20.19 requires ESM without top-level await)', async () => {
    const lines = Object.entries(entryPoints).map(
      ([mod, names]) => `{ const m = require('${mod}'); for (const n of ${JSON.stringify(names)}) if (!(n in m)) throw new Error('${mod} lacks ' + n); }`,
    );
    lines.push("const express = require('express'); const { createCallbackMiddleware } = require('@iics-jobs/callback-express');");
    lines.push("const app = express(); app.post('/cb', createCallbackMiddleware({ onCallback: async () => {}, secret: 'cjs-secret' }));");
    lines.push("console.log('cjs ok');");
    await writeFile(path.join(consumer, 'cjs.cjs'), lines.join('\n'));
    const result = await run('node', ['cjs.cjs'], { cwd: consumer });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('cjs ok');
  });

  test.each([
    ['NodeNext', { module: 'NodeNext', moduleResolution: 'NodeNext' }, 'consumer.mts'],
    ['Bundler', { module: 'ESNext', moduleResolution: 'Bundler' }, 'consumer.ts'],
  ])('TypeScript (%s resolution) type-checks a consumer against the installed types', async (label, options, file) => {
    const source = [
      "import { createIicsClient, IicsError } from '@iics-jobs/client';",
      "import { createCallbackMiddleware, MemoryStore, callbackUrl } from '@iics-jobs/callback-express';",
      "import { parseCallbackUrlResponse, type CallbackUrlResponse, type JobRequest } from '@iics-jobs/schema';",
      "import { startFakeIics, fixtures, callbackRetrySchedule } from '@iics-jobs/testing';",
      "import express from 'express';",
      'export async function main(): Promise<string> {',
      '  const fake = await startFakeIics({ timeScale: 0.001 });',
      '  const client = createIicsClient({ loginUrl: fake.loginUrl, username: fake.credentials.username, password: fake.credentials.password });',
      "  const request: JobRequest = { taskName: 'MT_Load', taskType: 'MTT' };",
      '  const started = await client.jobs.start({ taskName: request.taskName!, taskType: request.taskType });',
      '  const runId: number = started.runId;',
      '  const status = await client.jobs.wait({ taskId: started.taskId, runId });',
      "  const state: 'QUEUED' | 'RUNNING' | 'STOPPING' | 'SUCCESS' | 'WARNING' | 'FAILED' | (string & {}) = status.state;",
      '  const app = express();',
      "  app.post('/cb', createCallbackMiddleware({ store: new MemoryStore(), onCallback: async (cb: CallbackUrlResponse) => { console.log(cb.objectId, cb.runId); } }));",
      "  const url: string = callbackUrl('https://example.invalid/cb', { secret: 's' });",
      '  const parsed = parseCallbackUrlResponse(fixtures.callbackUrlResponse());',
      '  const delays: number[] = callbackRetrySchedule();',
      '  await fake.close();',
      '  return `${state} ${url} ${parsed.ok} ${delays.length} ${IicsError.name}`;',
      '}',
      '// @ts-expect-error runId is a number, not a string',
      "export const wrong: string = (null as unknown as Awaited<ReturnType<ReturnType<typeof createIicsClient>['jobs']['start']>>).runId;",
    ].join('\n');
    await writeFile(path.join(consumer, file), source);
    const tsconfig = {
      compilerOptions: { ...options, target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], lib: ['ES2023', 'DOM'] },
      files: [file],
    };
    const config = path.join(consumer, `tsconfig.${label}.json`);
    await writeFile(config, JSON.stringify(tsconfig));
    const result = await run(path.join(repoRoot, 'node_modules/.bin/tsc'), ['-p', config], { cwd: consumer });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test('every TypeScript sample of the root README type-checks against the installed packages', async () => {
    const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
    const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    const files = await Promise.all(
      samples.map(async (code, i) => {
        const file = `readme-sample-${i + 1}.mts`;
        await writeFile(path.join(consumer, file), `${code}\nexport {};\n`);
        return file;
      }),
    );
    const config = path.join(consumer, 'tsconfig.readme.json');
    await writeFile(config, JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: ['node'], lib: ['ES2023', 'DOM'] },
      files,
    }));
    const result = await run(path.join(repoRoot, 'node_modules/.bin/tsc'), ['-p', config], { cwd: consumer });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test.each([
    ['iics-job', /usage|Usage/],
    ['iics-fake', /usage|Usage/],
  ])('the installed bin %s answers --help', async (bin, pattern) => {
    const result = await run(path.join(consumer, 'node_modules/.bin', bin), ['--help'], { cwd: consumer, timeoutMs: 20_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(pattern);
  });
});

describe('package linting', () => {
  test.each(packageNames)('publint finds nothing in @iics-jobs/%s', async (name) => {
    const result = await run(path.join(repoRoot, 'node_modules/.bin/publint'), ['--strict', path.join('packages', name)]);
    expect(result.stdout + result.stderr).toMatch(/All good!/);
    expect(result.code).toBe(0);
  });

  test.each(packageNames)('arethetypeswrong finds no problem in @iics-jobs/%s (ESM-only profile)', async (name) => {
    const result = await run(path.join(repoRoot, 'node_modules/.bin/attw'), [tarballs.get(name)!, '--profile', 'esm-only', '--format', 'ascii']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});
