// Parent and child halves of a tiny request/answer protocol over Node's IPC channel, so every
// server under test lives in its own process, away from the load generator.
import { fork } from 'node:child_process';

const DEFAULT_READY_MS = 20_000;

/**
 * Forks `script` and resolves once it reported ready (with whatever it reported, e.g. its port).
 * `call(cmd, args)` sends a command and resolves with the child's answer; `stop()` asks the child to
 * close and exit, and kills it (by its own pid) if it has not exited within `stopTimeoutMs`.
 */
export async function startChild(script, { args = [], execArgv = [], env = process.env, readyTimeoutMs = DEFAULT_READY_MS, callTimeoutMs = 120_000 } = {}) {
  const child = fork(script, args, { execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 1;
  let exited = false;
  let exitInfo;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      exitInfo = { code, signal };
      for (const { reject, timer } of pending.values()) {
        clearTimeout(timer);
        reject(new Error(`${script} exited (code ${code}, signal ${signal}) before answering`));
      }
      pending.clear();
      resolve(exitInfo);
    });
  });

  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not report ready within ${readyTimeoutMs} ms`));
    }, readyTimeoutMs);
    child.once('message', (message) => {
      clearTimeout(timer);
      if (message?.type === 'ready') resolve(message.info);
      else reject(new Error(`${script} failed to start: ${message?.error ?? JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with code ${code} before it was ready`));
    });
    child.once('error', reject);
  });

  child.on('message', (message) => {
    if (message?.type === 'event') {
      for (const listener of eventListeners) listener(message.name, message.data);
      return;
    }
    const entry = pending.get(message?.id);
    if (!entry) return;
    pending.delete(message.id);
    clearTimeout(entry.timer);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new Error(`${script} ${entry.cmd}: ${message.error}`));
  });
  const eventListeners = new Set();

  return {
    info: ready,
    pid: child.pid,
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    call(cmd, callArgs = {}, timeoutMs = callTimeoutMs) {
      if (exited) return Promise.reject(new Error(`${script} has exited`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${script} did not answer ${cmd} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer, cmd });
        child.send({ id, cmd, args: callArgs });
      });
    },
    async stop(stopTimeoutMs = 10_000) {
      if (!exited) {
        try {
          child.send({ id: 0, cmd: 'close', args: {} });
        } catch {
          // The channel is already gone; the kill below still applies.
        }
      }
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, stopTimeoutMs);
      const info = await exitPromise;
      clearTimeout(timer);
      return info;
    },
  };
}

/**
 * Child side: reports ready with `info`, then answers each command with `handlers[cmd](args)`.
 * "close" runs `onClose` and exits (normally, so a --cpu-prof profile gets written).
 */
export function serveParent(info, handlers, onClose = async () => {}) {
  if (typeof process.send !== 'function') throw new Error('this script is a benchmark child; run it through bench/run.mjs');
  process.on('message', async (message) => {
    if (message?.cmd === 'close') {
      try {
        await onClose();
      } finally {
        process.exit(0);
      }
      return;
    }
    const handler = handlers[message?.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${message?.cmd}`);
      const result = await handler(message.args ?? {});
      process.send({ id: message.id, ok: true, result });
    } catch (error) {
      process.send({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
  // If the parent dies, do not linger.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', info });
}

export function emitToParent(name, data) {
  process.send?.({ type: 'event', name, data });
}

/** Reports a startup failure to the parent instead of hanging it. */
export function failStartup(error) {
  process.send?.({ type: 'failed', error: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
}
