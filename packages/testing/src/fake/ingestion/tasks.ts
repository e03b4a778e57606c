import { checkMs } from '../../checks.js';
import { federatedId } from '../../ids.js';
import type { FakeTask, FakeTaskDefinition } from '../types.js';
import type { FakeIngestionFile } from './types.js';

/** The keys an MI_TASK definition may hold (for the per-type table of task definition checks). */
export const MI_TASK_KEYS: readonly string[] = ['name', 'type', 'id', 'path', 'durationMs', 'outcome', 'parallel', 'files', 'logs'];
const FILE_KEYS = ['name', 'sizeBytes', 'outcome'];
const OUTCOMES = ['success', 'failed'];
const DEFAULT_DURATION_MS = 30_000;
const DEFAULT_FILE_BYTES = 1024;

/**
 * Resolves a file ingestion task definition. Its id is a 22-character id like a federated id: the
 * id that mitasks and v3 lookup (type MI_TASK) give, and that a start sends as `taskId`, is one id.
 * Throws a TypeError naming the bad field.
 */
export function resolveIngestionTask(definition: FakeTaskDefinition, where: string, taken: (id: string) => boolean): FakeTask {
  for (const key of Object.keys(definition)) {
    if (!MI_TASK_KEYS.includes(key)) throw new TypeError(`${where}.${key} is not a key of an MI_TASK definition (the keys are ${MI_TASK_KEYS.join(', ')})`);
  }
  const name = definition.name;
  const path = definition.path ?? `Default/${name}`;
  if (typeof path !== 'string' || !(path === name || path.endsWith(`/${name}`)) || path.split('/').some((part) => part === '')) {
    throw new TypeError(`${where}.path must be "<project>/<folders>/${name}" ending with the task name, got ${JSON.stringify(path)}`);
  }
  const outcome = definition.outcome ?? 'success';
  if (!OUTCOMES.includes(outcome)) throw new TypeError(`${where}.outcome of an MI_TASK must be success or failed, got ${JSON.stringify(outcome)}`);
  const parallel = definition.parallel ?? true;
  if (typeof parallel !== 'boolean') throw new TypeError(`${where}.parallel must be a boolean`);
  const durationMs = definition.durationMs === undefined ? DEFAULT_DURATION_MS : checkMs(definition.durationMs, `${where}.durationMs`, 'atLeast0');

  let id = definition.id;
  if (id !== undefined) {
    if (typeof id !== 'string' || id === '') throw new TypeError(`${where}.id must be a non-empty string`);
    if (taken(id)) throw new TypeError(`${where}.id ${JSON.stringify(id)} is used by another task`);
  } else {
    do id = federatedId();
    while (taken(id));
  }

  const files = resolveFiles(definition.files ?? [`${name}_1.csv`, `${name}_2.csv`], `${where}.files`, outcome);
  const logs = definition.logs === undefined ? undefined : resolveLogs(definition.logs, `${where}.logs`);
  return Object.freeze({
    name,
    type: 'MI_TASK',
    id,
    federatedId: id,
    path,
    durationMs,
    queuedMs: 0,
    outcome,
    parallel,
    // MI runs have no v2 session log; their logs come from /mftsaas/.../logs.
    sessionLogBytes: 0,
    children: Object.freeze([]),
    files,
    ...(logs ? { logs } : {}),
  });
}

function resolveFiles(value: unknown, where: string, outcome: string): readonly FakeIngestionFile[] {
  if (!Array.isArray(value) || value.length === 0) throw new TypeError(`${where} must be a non-empty array of file names or { name, sizeBytes?, outcome? }`);
  const files = value.map((file: unknown, i): FakeIngestionFile => {
    const at = `${where}[${i}]`;
    const f = typeof file === 'string' ? { name: file } : file;
    if (f === null || typeof f !== 'object' || Array.isArray(f)) throw new TypeError(`${at} must be a file name or { name, sizeBytes?, outcome? }`);
    for (const key of Object.keys(f)) {
      if (!FILE_KEYS.includes(key)) throw new TypeError(`${at}.${key} is not a key of a file (the keys are ${FILE_KEYS.join(', ')})`);
    }
    const { name, sizeBytes = DEFAULT_FILE_BYTES, outcome: fileOutcome = 'success' } = f as Record<string, unknown>;
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError(`${at}.name must be a non-empty string`);
    if (typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new TypeError(`${at}.sizeBytes must be an integer >= 0`);
    if (typeof fileOutcome !== 'string' || !OUTCOMES.includes(fileOutcome)) throw new TypeError(`${at}.outcome must be success or failed, got ${JSON.stringify(fileOutcome)}`);
    return Object.freeze({ name, sizeBytes, outcome: fileOutcome as 'success' | 'failed' });
  });
  // A task that fails names no file: its last file is the one that fails.
  if (outcome === 'failed' && !files.some((f) => f.outcome === 'failed')) files[files.length - 1] = Object.freeze({ ...files[files.length - 1]!, outcome: 'failed' });
  if (outcome === 'success' && files.some((f) => f.outcome === 'failed')) throw new TypeError(`${where}: a file fails, so the task's outcome must be "failed"`);
  return Object.freeze(files);
}

function resolveLogs(value: unknown, where: string): { contentType: string; body: Uint8Array } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${where} must be { contentType?, body }`);
  for (const key of Object.keys(value)) {
    if (key !== 'contentType' && key !== 'body') throw new TypeError(`${where}.${key} is not a key of logs (the keys are contentType, body)`);
  }
  const { contentType = 'application/octet-stream', body } = value as Record<string, unknown>;
  if (typeof contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+/.test(contentType)) throw new TypeError(`${where}.contentType must be a media type such as "application/zip"`);
  if (typeof body === 'string') return { contentType, body: Buffer.from(body, 'utf8') };
  if (body instanceof Uint8Array) return { contentType, body: Buffer.from(body) };
  throw new TypeError(`${where}.body must be a string or a Uint8Array`);
}
