import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { describe, expect, test } from 'vitest';
import { JobRequest, JobStopRequest, LookupRequest, OPERATION_STATUSES, isCallbackUrl, parseJobRequest, parseJobStopRequest, parseLookupRequest } from '../src/index.js';

const specPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../openapi/iics-jobs.yaml');
type Operation = { operationId: string; responses: Record<string, unknown>; security?: Array<Record<string, unknown>> };
type Spec = { paths: Record<string, Record<string, Operation> & { 'x-fake-only'?: boolean }> };
const spec = YAML.parse(await readFile(specPath, 'utf8')) as Spec;
const operations = Object.entries(spec.paths)
  .filter(([, item]) => !item['x-fake-only'])
  .flatMap(([route, item]) => Object.entries(item).filter(([method]) => ['get', 'post', 'put', 'delete'].includes(method)).map(([method, op]) => ({ route, method, op: op as Operation })));

function problems(result: { ok: boolean; errors?: { path: string; message: string }[] }): string[] {
  return result.ok ? [] : result.errors!.map((e) => `${e.path}: ${e.message}`);
}

describe('exactly one of taskId, taskFederatedId or taskName (oneOf in the spec)', () => {
  test.each([
    [{ taskId: 'a', taskType: 'MTT' }, []],
    [{ taskFederatedId: 'f', taskType: 'MTT' }, []],
    [{ taskName: 'n', taskType: 'MTT' }, []],
    [{ taskType: 'MTT' }, [': one of taskId, taskFederatedId or taskName is required']],
    [{ taskId: 'a', taskName: 'n', taskType: 'MTT' }, [': only one of taskId, taskFederatedId or taskName may be given, got taskId and taskName']],
    [{ taskId: 'a', taskFederatedId: 'f', taskName: 'n', taskType: 'MTT' }, [': only one of taskId, taskFederatedId or taskName may be given, got taskId, taskFederatedId and taskName']],
  ])('start %j', (body, expected) => {
    expect(problems(parseJobRequest(body))).toEqual(expected);
    expect(problems(parseJobStopRequest(body))).toEqual(expected);
  });

  test('lookup objects: id, or path with type; a type beside an id is allowed', () => {
    expect(parseLookupRequest({ objects: [{ id: 'x' }, { id: 'x', type: 'MTT' }, { path: 'P/T', type: 'MTT' }] }).ok).toBe(true);
    expect(problems(parseLookupRequest({ objects: [{ path: 'P/T' }, { type: 'MTT' }, { id: 'x', path: 'P/T', type: 'MTT' }, {}] }))).toEqual([
      '/objects/0: one of id, or path with type is required (path needs type)',
      '/objects/1: one of id, or path with type is required (type needs path)',
      '/objects/2: only one of id, or path with type may be given, got id and path with type',
      '/objects/3: one of id, or path with type is required',
    ]);
  });

  test('the TypeBox schemas are the JSON Schema of the spec: Ajv reading them gives the same verdicts', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const bodies = [
      { taskId: 'a', taskType: 'MTT' }, { taskType: 'MTT' }, { taskId: 'a', taskName: 'n', taskType: 'MTT' },
      { taskFederatedId: 'f', taskName: 'n', taskType: 'MTT' }, { taskName: 'n', taskType: 'MTT', extra: 1 },
      { taskName: 'n', taskType: 'MTT', callbackURL: 'ftp://x.example/cb' }, { taskName: 'n', taskType: 'MTT', callbackURL: 'https://x.example/cb' },
    ];
    for (const [schema, parse] of [[JobRequest, parseJobRequest], [JobStopRequest, parseJobStopRequest]] as const) {
      const check = ajv.compile(JSON.parse(JSON.stringify(schema)) as object);
      for (const body of bodies) expect(parse(body).ok, JSON.stringify(body)).toBe(check(body));
    }
    const lookup = ajv.compile(JSON.parse(JSON.stringify(LookupRequest)) as object);
    for (const objects of [[{ id: 'x' }], [{ path: 'p' }], [{ id: 'x', path: 'p', type: 't' }], [{ id: 'x', type: 't' }]]) {
      expect(parseLookupRequest({ objects }).ok, JSON.stringify(objects)).toBe(lookup({ objects }));
    }
  });
});

describe('callbackURL: an absolute http(s) URL', () => {
  test.each(['https://jobs.example.com/cb?secret=x', 'http://127.0.0.1:8080/iics', 'HTTPS://EXAMPLE.COM/'])('%s is accepted', (url) => {
    expect(parseJobRequest({ taskId: 'a', taskType: 'MTT', callbackURL: url }).ok).toBe(true);
  });
  test.each(['http://jobs.example.com/a b', 'ftp://jobs.example.com/cb', 'https:///no-host', '/relative', 'mailto:ops@example.com', ' https://x.example/'])('%j is refused, naming the field', (url) => {
    expect(problems(parseJobRequest({ taskId: 'a', taskType: 'MTT', callbackURL: url }))[0]).toMatch(/^\/callbackURL: callbackURL /);
  });
  test('isCallbackUrl, which the client and the fake use, says what the spec says', () => {
    const samples = ['https://jobs.example.com/cb?secret=x', 'http://127.0.0.1:8080/iics', 'HTTPS://EXAMPLE.COM/', 'http://[::1]:9/x',
      'http://jobs.example.com/a b', 'ftp://jobs.example.com/cb', 'https:///no-host', '/relative', 'mailto:ops@example.com',
      ' https://x.example/', 'http://user@/x', 'http://exa mple.com/', 'https://x.example/\t', 'http://x:99999/'];
    const verdicts = samples.map((url) => [url, isCallbackUrl(url)]);
    expect(verdicts).toEqual(samples.map((url) => [url, parseJobRequest({ taskId: 'a', taskType: 'MTT', callbackURL: url }).ok]));
    expect(verdicts.filter(([, ok]) => ok).length).toBe(4);
  });
});

describe('the status codes the spec lists', () => {
  test('every IICS operation lists the 405, 413 and 415 the fake answers, with an error body', () => {
    expect(operations.length).toBeGreaterThan(20);
    for (const { route, method, op } of operations) {
      for (const code of ['405', '413', '415']) expect(op.responses[code], `${method.toUpperCase()} ${route} ${code}`).toBeDefined();
    }
  });

  test('OPERATION_STATUSES is generated from the spec, per path and method', () => {
    for (const { route, method, op } of operations) expect(OPERATION_STATUSES[route]?.[method.toUpperCase()]).toEqual(Object.keys(op.responses));
    expect(Object.keys(OPERATION_STATUSES).some((route) => route.startsWith('/_fake/'))).toBe(false);
  });

  test('lookup and both logouts take either session header, as a session from either login works with both', () => {
    for (const id of ['lookup', 'logoutV2', 'logoutV3']) {
      const { op } = operations.find((o) => o.op.operationId === id)!;
      expect(op.security, id).toEqual([{ icSessionId: [] }, { infaSessionId: [] }]);
    }
  });
});
