import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseJobResponse, parseLoginV2Response } from '@iics-jobs/schema';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { call, expectValid } from './helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const cli = join(packageDir, 'dist', 'cli.js');
const children: ChildProcess[] = [];
let tmp: string;

/** Whether dist is missing or older than a source file. */
async function distIsStale(): Promise<boolean> {
  const built = await stat(join(packageDir, 'dist', 'tsconfig.tsbuildinfo')).catch(() => undefined);
  if (!built) return true;
  const sources = await readdir(join(packageDir, 'src'), { recursive: true });
  for (const file of sources) {
    if (file.endsWith('.ts') && !file.endsWith('.test-d.ts') && (await stat(join(packageDir, 'src', file))).mtimeMs > built.mtimeMs) return true;
  }
  return false;
}

beforeAll(async () => {
  // The bin runs from dist: build it when it is missing or older than the sources.
  if (await distIsStale()) await promisify(execFile)('npx', ['tsc', '-b', 'packages/testing'], { cwd: repoRoot, timeout: 90_000 });
  tmp = await mkdtemp(join(tmpdir(), 'iics-fake-cli-'));
}, 100_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function until(condition: () => boolean, what: string, running: Running): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout: ${running.stdout()} stderr: ${running.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function field(output: string, label: string): string {
  const match = new RegExp(`${label}:\\s+(\\S+)`).exec(output);
  if (!match) throw new Error(`no ${label} in ${output}`);
  return match[1]!;
}

describe('iics-fake CLI', () => {
  test('prints the login URL and credentials, serves the API, and exits 0 on SIGTERM', async () => {
    const fake = run(['--port', '0', '--time-scale', '0.001']);
    await until(() => fake.stdout().includes('Stop with'), 'the banner', fake);
    const out = fake.stdout();
    const loginUrl = field(out, 'login URL');
    expect(loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const serverUrl = field(out, 'server URL');
    // The POD host is its own listener, as in a real org.
    expect(serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/saas$/);
    expect(new URL(serverUrl).origin).not.toBe(loginUrl);
    // The dashboard is printed, on the login origin, and serves its page.
    const dashboardUrl = field(out, 'dashboard');
    expect(dashboardUrl).toBe(`${loginUrl}/_fake/`);
    expect((await fetch(dashboardUrl, { signal: AbortSignal.timeout(10_000) })).headers.get('content-security-policy')).toContain("default-src 'none'");
    const username = field(out, 'username');
    const password = field(out, 'password');
    expect(out).toMatch(/MT_Load\s+MTT\s+id [0-9A-Z]{20}\s+federatedId [0-9A-Za-z]{22}\s+Default\/MT_Load/);

    const login = await call(loginUrl, 'POST', '/ma/api/v2/user/login', { body: { '@type': 'login', username, password } });
    expect(login.status).toBe(200);
    expectValid(parseLoginV2Response, login.body);
    expect(login.body.serverUrl).toBe(serverUrl);
    const job = await call(login.body.serverUrl, 'POST', '/api/v2/job', { session: login.body.icSessionId, body: { taskName: 'MT_Load', taskType: 'MTT' } });
    expect(job.status).toBe(200);
    expectValid(parseJobResponse, job.body);

    fake.child.kill('SIGTERM');
    expect(await fake.exited).toBe(0);
    expect(fake.stderr()).toContain('SIGTERM');
    // The session id never reaches the output.
    expect(fake.stdout() + fake.stderr()).not.toContain(login.body.icSessionId);
  });

  test('--json, --tasks and credentials from the environment; exits 0 on SIGINT', async () => {
    const tasksFile = join(tmp, 'tasks.json');
    await writeFile(tasksFile, JSON.stringify({ tasks: [{ name: 'MT_Orders', type: 'mtt', path: 'Sales/Orders/MT_Orders', durationMs: 5000 }] }));
    const fake = run(['--port', '0', '--tasks', tasksFile, '--json', '--verbose'], { IICS_FAKE_USERNAME: 'ci-user', IICS_FAKE_PASSWORD: 'ci-pass' });
    await until(() => fake.stdout().includes('\n'), 'the JSON line', fake);
    const info = JSON.parse(fake.stdout().split('\n')[0]!);
    expect(info).toMatchObject({ username: 'ci-user', password: 'ci-pass', serverUrl: expect.stringMatching(/\/saas$/) });
    expect(info.baseApiUrl).toBe(info.serverUrl);
    expect(new URL(info.serverUrl).origin).not.toBe(info.loginUrl);
    expect(info.tasks).toEqual([{ name: 'MT_Orders', type: 'MTT', id: expect.any(String), federatedId: expect.any(String), path: 'Sales/Orders/MT_Orders' }]);
    const login = await call(info.loginUrl, 'POST', '/saas/public/core/v3/login', { body: { username: 'ci-user', password: 'ci-pass' } });
    expect(login.status).toBe(200);
    await until(() => fake.stdout().includes('POST /saas/public/core/v3/login 200'), 'the request line', fake);
    fake.child.kill('SIGINT');
    expect(await fake.exited).toBe(0);
  });

  test('--verbose keeps printing after a client that went away mid-body (printed as aborted)', async () => {
    const fake = run(['--port', '0', '--json', '--verbose', '--max-recorded', '5']);
    await until(() => fake.stdout().includes('\n'), 'the JSON line', fake);
    const info = JSON.parse(fake.stdout().split('\n')[0]!);
    const { port } = new URL(info.serverUrl);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.write('POST /saas/api/v2/job HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"taskName":');
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await new Promise((resolve) => socket.once('close', resolve));
    // More requests than --max-recorded keeps: each one is printed (the printer looks every 100 ms).
    for (let i = 0; i < 7; i++) {
      const login = await call(info.loginUrl, 'POST', '/saas/public/core/v3/login', { body: { username: info.username, password: info.password } });
      expect(login.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await until(() => (fake.stdout().match(/POST \/saas\/public\/core\/v3\/login 200/g) ?? []).length === 7, 'seven login lines', fake);
    expect(fake.stdout()).toMatch(/POST \/saas\/api\/v2\/job aborted\n/);
    fake.child.kill('SIGTERM');
    expect(await fake.exited).toBe(0);
  });

  test('an unknown request member: a warning line with --verbose, a 400 naming it with --strict-requests', async () => {
    const body = { taskName: 'MT_Load', taskType: 'MTT', priority: 1 };
    const startJob = async (info: { loginUrl: string; username: string; password: string }) => {
      const login = await call(info.loginUrl, 'POST', '/ma/api/v2/user/login', { body: { username: info.username, password: info.password } });
      return call(login.body.serverUrl, 'POST', '/api/v2/job', { session: login.body.icSessionId, body });
    };
    const lenient = run(['--port', '0', '--json', '--verbose']);
    await until(() => lenient.stdout().includes('\n'), 'the JSON line', lenient);
    expect((await startJob(JSON.parse(lenient.stdout().split('\n')[0]!))).status).toBe(200);
    await until(() => lenient.stdout().includes('POST /saas/api/v2/job 200 warning:'), 'the warning', lenient);
    expect(lenient.stdout()).toMatch(/POST \/saas\/api\/v2\/job 200 warning: POST \/saas\/api\/v2\/job: ignored unknown member \/priority\n/);

    const strict = run(['--port', '0', '--json', '--strict-requests']);
    await until(() => strict.stdout().includes('\n'), 'the JSON line', strict);
    const refused = await startJob(JSON.parse(strict.stdout().split('\n')[0]!));
    expect(refused.status).toBe(400);
    expect(refused.body.description).toMatch(/priority is not a known field/);
    lenient.child.kill('SIGTERM');
    strict.child.kill('SIGTERM');
    expect([await lenient.exited, await strict.exited]).toEqual([0, 0]);
  });

  test('usage errors exit 64 with a message naming the flag; --help exits 0', async () => {
    const badPort = run(['--port', 'abc']);
    expect(await badPort.exited).toBe(64);
    expect(badPort.stderr()).toMatch(/--port must be an integer/);
    const badPodPort = run(['--port', '0', '--pod-port', '70000']);
    expect(await badPodPort.exited).toBe(64);
    expect(badPodPort.stderr()).toMatch(/--pod-port must be an integer from 0 to 65535/);
    const unknown = run(['--bogus']);
    expect(await unknown.exited).toBe(64);
    expect(unknown.stderr()).toMatch(/bogus/);
    const missing = run(['--port', '0', '--tasks', join(tmp, 'missing.json')]);
    expect(await missing.exited).toBe(64);
    expect(missing.stderr()).toMatch(/cannot read/);
    const badTasks = join(tmp, 'bad.json');
    await writeFile(badTasks, '[{"name":"X","type":"NOPE"}]');
    const invalid = run(['--port', '0', '--tasks', badTasks]);
    expect(await invalid.exited).toBe(1);
    expect(invalid.stderr()).toMatch(/tasks\[0\]\.type/);
    const misspelt = join(tmp, 'misspelt.json');
    await writeFile(misspelt, '[{"name":"MT_X","type":"MTT","outcom":"failed"}]');
    const unknownKey = run(['--port', '0', '--tasks', misspelt]);
    expect(await unknownKey.exited).toBe(1);
    expect(unknownKey.stderr()).toMatch(/tasks\[0\]\.outcom is not a key of a MTT task definition/);
    const badCap = run(['--port', '0', '--max-recorded', 'many']);
    expect(await badCap.exited).toBe(64);
    expect(badCap.stderr()).toMatch(/--max-recorded must be an integer/);
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/Usage: iics-fake/);
  });
});
