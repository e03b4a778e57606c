import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './helpers.js';
import { stopProcess } from './redis.js';

const SCRIPT = path.join(repoRoot, 'e2e/test/fixtures/receiver-replica.mjs');

export interface ReplicaEvent {
  event: string;
  [field: string]: unknown;
}

/** A receiver replica running as its own Node process (see fixtures/receiver-replica.mjs). */
export interface Replica {
  port: number;
  /** The callback URL without the secret. */
  url: string;
  child: ChildProcess;
  events: ReplicaEvent[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the first event (already seen or coming) that `match` accepts. */
  waitFor(match: (event: ReplicaEvent) => boolean, what: string, timeoutMs?: number): Promise<ReplicaEvent>;
  stats(): Promise<{ processed: number; memory: NodeJS.MemoryUsage }>;
  /** SIGTERM (drains handlers) or SIGKILL (a crash). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startReplica(env: Record<string, string>, options: { port?: number; exposeGc?: boolean } = {}): Promise<Replica> {
  const child = spawn(process.execPath, [...(options.exposeGc ? ['--expose-gc'] : []), SCRIPT], {
    cwd: repoRoot,
    env: { ...process.env, ...env, RECEIVER_PORT: String(options.port ?? 0) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: ReplicaEvent[] = [];
  const waiters = new Set<() => void>();
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        events.push(JSON.parse(line) as ReplicaEvent);
      } catch {
        events.push({ event: 'text', line });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.on('exit', () => {
    for (const wake of waiters) wake();
  });

  const waitFor = (match: (event: ReplicaEvent) => boolean, what: string, timeoutMs = 10_000): Promise<ReplicaEvent> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = events.find(match);
        if (found) {
          done();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`receiver replica exited (${child.exitCode ?? child.signalCode}) before ${what}: ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`receiver replica: no ${what} within ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const listening = await waitFor((e) => e.event === 'listening', 'listening');
  const port = listening['port'] as number;
  return {
    port,
    url: `http://127.0.0.1:${port}/iics/callback`,
    child,
    events,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor,
    async stats() {
      const res = await fetch(`http://127.0.0.1:${port}/stats`, { signal: AbortSignal.timeout(5_000) });
      return (await res.json()) as { processed: number; memory: NodeJS.MemoryUsage };
    },
    stop: (signal = 'SIGTERM') => stopProcess(child, signal),
  };
}
