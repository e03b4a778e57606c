import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLIENT_VERSION } from '../src/index.js';
import { resolveOptions } from '../src/options.js';
import { main } from '../src/cli/main.js';
import { ensureBuilt, runBin } from './helpers/cli.js';
import { capture } from './helpers/streams.js';

// The version comes from the package's own package.json at run time, so that `nx release` bumping
// it is all it takes for the User-Agent and `iics-job --version` to tell the truth.

const packageDir = fileURLToPath(new URL('../', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const ownVersion = (JSON.parse(readFileSync(`${packageDir}package.json`, 'utf8')) as { version: string }).version;

describe('in the sources', () => {
  test('CLIENT_VERSION is package.json\'s version, and so are the default User-Agent and --version', async () => {
    expect(CLIENT_VERSION).toBe(ownVersion);
    const options = resolveOptions({ loginUrl: 'https://dm-us.informaticacloud.com', username: 'u', password: 'p' });
    expect(options.userAgent).toBe(`iics-jobs-client/${ownVersion} node/${process.versions.node}`);
    const stdout = capture();
    expect(await main(['--version'], { stdout, stderr: capture() })).toBe(0);
    expect(stdout.text()).toBe(`${ownVersion}\n`);
  });
});

describe('the built package after a version bump', () => {
  const BUMPED = '9.8.7-bumped.1';
  let dir = '';

  // A copy of the published layout (package.json + dist) with another version; its dependencies
  // are linked to the ones this repository installed.
  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(`${tmpdir()}/iics-client-version-`);
    const pkg = JSON.parse(readFileSync(`${packageDir}package.json`, 'utf8')) as Record<string, unknown>;
    writeFileSync(`${dir}/package.json`, JSON.stringify({ ...pkg, version: BUMPED }, null, 2));
    cpSync(`${packageDir}dist`, `${dir}/dist`, { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
    mkdirSync(`${dir}/node_modules/@iics-jobs`, { recursive: true });
    // Every runtime dependency the package declares (undici, commander), as npm would install them.
    for (const dep of Object.keys(pkg.dependencies as Record<string, string>).filter((d) => !d.startsWith('@iics-jobs/'))) {
      const installed = [`${packageDir}node_modules/${dep}`, `${repoRoot}node_modules/${dep}`].find((p) => existsSync(p))!;
      symlinkSync(installed, `${dir}/node_modules/${dep}`, 'dir');
    }
    symlinkSync(`${repoRoot}packages/schema`, `${dir}/node_modules/@iics-jobs/schema`, 'dir');
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('iics-job --version prints the bumped version', async () => {
    const result = await runBin(['--version'], {}, 15_000, `${dir}/dist/cli.js`);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${BUMPED}\n`);
    expect(result.code).toBe(0);
  });

  test('the CLI and the library send the bumped version in their User-Agent', async () => {
    const agents: string[] = [];
    const server = http.createServer((req, res) => {
      agents.push(String(req.headers['user-agent']));
      // 501 is not retried: one login attempt, then the CLI exits 5.
      res.writeHead(501, { 'content-type': 'application/json' }).end('{"code":"X","description":"no","statusCode":501}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const loginUrl = `http://127.0.0.1:${port}`;
      const cli = await runBin(['status', '--task-id', 'T', '--run-id', '1'], { IICS_LOGIN_URL: loginUrl, IICS_USERNAME: 'u', IICS_PASSWORD: 'p-secret' }, 15_000, `${dir}/dist/cli.js`);
      expect(cli.code).toBe(5);
      const script = `${dir}/dist/library-ua.mjs`;
      writeFileSync(
        script,
        `import { createIicsClient } from './index.js';
const client = createIicsClient({ loginUrl: ${JSON.stringify(loginUrl)}, username: 'u', password: 'p-secret' });
await client.jobs.status({ taskId: 'T', runId: 1 }).catch(() => undefined);
await client.close();
`,
      );
      const library = await runBin([], {}, 15_000, script);
      expect(library.code).toBe(0);
    } finally {
      server.close();
    }
    expect(agents).toEqual([`iics-job/${BUMPED} node/${process.versions.node}`, `iics-jobs-client/${BUMPED} node/${process.versions.node}`]);
  });
});
