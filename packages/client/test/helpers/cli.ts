import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FakeIics } from '@iics-jobs/testing';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = `${packageDir}dist/cli.js`;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function isBuilt(): boolean {
  const schemaDist = `${repoRoot}packages/schema/dist/index.js`;
  return existsSync(BIN) && existsSync(schemaDist) && statSync(BIN).mtimeMs >= newestSource(`${packageDir}src`);
}

/**
 * Builds the package (and @iics-jobs/schema, which the built CLI imports) when dist is missing or
 * older than src. Test files run in parallel: a lock directory keeps two builds from writing dist at once.
 */
export async function ensureBuilt(): Promise<void> {
  if (isBuilt()) return;
  const lock = `${packageDir}dist.build-lock`;
  const deadline = Date.now() + 50_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} is held for too long; remove it if no build runs`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    if (isBuilt()) return;
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', 'packages/client'], { cwd: repoRoot, stdio: 'pipe', timeout: 50_000 });
    // tsc -b leaves unchanged outputs alone; mark the build as fresh for the check above.
    const now = new Date();
    utimesSync(BIN, now, now);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines. */
  events: Array<Record<string, unknown>>;
}

/** Runs the built `iics-job` in a child process; killed after `timeoutMs` so that no test can hang. */
export function runBin(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 15_000,
  script = BIN,
  extraEnv: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = stdout
        .split('\n')
        .filter((line) => line.trim().startsWith('{"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, stdout, stderr, events });
    });
  });
}

export function envFor(server: FakeIics, extra: Record<string, string> = {}): Record<string, string> {
  return {
    IICS_LOGIN_URL: server.loginUrl,
    IICS_USERNAME: server.credentials.username,
    IICS_PASSWORD: server.credentials.password,
    ...extra,
  };
}
