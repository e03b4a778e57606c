import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import * as api from '../src/index.js';
import { EXIT } from '../src/cli/exit-codes.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

type ErrorClass = (new (...args: never[]) => api.IicsError) & { code: string };

const exportedErrorClasses = (Object.entries(api) as Array<[string, unknown]>).filter(
  (entry): entry is [string, ErrorClass] =>
    typeof entry[1] === 'function' && (entry[1] as { prototype?: unknown }).prototype instanceof api.IicsError,
);

describe('error classes', () => {
  test('every class has a literal name equal to its class name and a unique stable code', () => {
    expect(exportedErrorClasses.length).toBeGreaterThanOrEqual(10);
    const codes = new Set<string>();
    for (const [exportName, cls] of exportedErrorClasses) {
      expect(cls.prototype.name).toBe(exportName);
      expect(cls.code).toMatch(/^IICS_[A-Z_]+$/);
      expect(codes.has(cls.code)).toBe(false);
      codes.add(cls.code);
    }
  });

  test('an instance carries its code, is an IicsError and an Error, and shows its name in the stack', () => {
    const error = new api.IicsApiError('IICS answered HTTP 503', { status: 503, operation: 'GET /x', iicsCode: 'X_1' });
    expect(error).toBeInstanceOf(api.IicsError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('IICS_API_ERROR');
    expect(error.name).toBe('IicsApiError');
    expect(error.stack).toMatch(/^IicsApiError: IICS answered HTTP 503/);
    expect(inspect(error)).toContain("code: 'IICS_API_ERROR'");
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'IicsApiError', code: 'IICS_API_ERROR', status: 503, iicsCode: 'X_1' });
    expect(api.isIicsError(error, 'IICS_API_ERROR')).toBe(true);
    expect(api.isIicsError(error, 'IICS_TIMEOUT')).toBe(false);
    expect(api.isIicsError(new Error('x'))).toBe(false);
  });

  test('a wait timeout carries the run and the last status', () => {
    const lastStatus = { taskId: 'T', runId: 3, state: 'RUNNING', terminal: false, source: 'monitor', raw: null } as const;
    const error = new api.IicsWaitTimeoutError('still running', { taskId: 'T', runId: 3, timeoutMs: 10, lastStatus });
    expect(error).toMatchObject({ code: 'IICS_WAIT_TIMEOUT', taskId: 'T', runId: 3, lastStatus });
  });

  test('a run not found carries the task and run looked for', () => {
    const error = new api.IicsRunNotFoundError('Run 7 of task T was not found', { taskId: 'T', runId: 7, notFoundAfterMs: 30_000 });
    expect(error).toMatchObject({ code: 'IICS_RUN_NOT_FOUND', name: 'IicsRunNotFoundError', taskId: 'T', runId: 7, notFoundAfterMs: 30_000 });
    expect(api.isIicsError(error, 'IICS_RUN_NOT_FOUND')).toBe(true);
    expect(readme).toMatch(/^\| `IICS_RUN_NOT_FOUND` \| `IicsRunNotFoundError` \|/m);
  });
});

describe('README tables match the code', () => {
  test('the errors table lists exactly the exported error classes with their codes', () => {
    const rows = [...readme.matchAll(/^\| `(IICS_[A-Z_]+)` \| `(\w+)` \|/gm)].map((m) => [m[1], m[2]]);
    const exported = exportedErrorClasses.map(([name, cls]) => [cls.code, name]);
    expect(rows.sort()).toEqual(exported.sort());
  });

  test('the exit code table lists exactly the CLI exit codes', () => {
    const section = readme.slice(readme.indexOf('### Exit codes'));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  test('RunAJob codes keep their documented numbers', () => {
    expect(EXIT).toMatchObject({
      SUCCESS: 0,
      WARNING: 1,
      NO_WAIT: 2,
      FAILED: 3,
      REQUEST_TIMEOUT: 4,
      ERROR: 5,
      STILL_RUNNING: 6,
      START_FAILED: 7,
      EXCEPTION: 255,
      USAGE: 64,
    });
  });
});
