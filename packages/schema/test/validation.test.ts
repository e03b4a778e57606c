import { describe, expect, test } from 'vitest';
import {
  ACTIVITY_STATE,
  CALLBACK_STATUSES,
  TASK_TYPES,
  TaskType,
  formatIssues,
  isTaskType,
  parseActivityLogEntry,
  parseActivityLogEntryDetail,
  parseActivityMonitorEntry,
  parseCallbackUrlResponse,
  parseJobRequest,
  parseJobResponse,
  parseJobStopRequest,
  parseLoginV2Request,
  parseLoginV2Response,
  parseLoginV3Request,
  parseLoginV3Response,
  parseLookupRequest,
  parseLookupResponse,
  parseObjectsResponse,
  parseSuccessResponse,
  parseV2Error,
  parseV3Error,
} from '../src/index.js';
import * as real from './real-payloads.js';

function issuesOf(result: { ok: boolean; errors?: { path: string; message: string }[] }) {
  expect(result.ok).toBe(false);
  return result.errors ?? [];
}

describe('real payloads are accepted, extra fields kept', () => {
  test.each([
    ['documentation callback sample', parseCallbackUrlResponse, real.docCallback],
    ['v2 login answer', parseLoginV2Response, real.realLoginV2],
    ['v3 login answer', parseLoginV3Response, real.realLoginV3],
    ['job start answer', parseJobResponse, real.realJobStart],
    ['stop success object', parseSuccessResponse, real.realStopSuccess],
    ['monitor entry of a linear taskflow', parseActivityMonitorEntry, real.realMonitor[0]],
    ['log entry with its session child', parseActivityLogEntry, real.realLogEntry],
    ['log entry by id with its activityLogEntryItem', parseActivityLogEntryDetail, real.realLogEntryById],
    ['lookup request', parseLookupRequest, real.realLookupRequest],
    ['lookup answer', parseLookupResponse, real.realLookupResponse],
    ['objects page', parseObjectsResponse, real.realObjectsResponse],
    ['v2 error', parseV2Error, real.realV2Error],
    ['documented v2 error', parseV2Error, real.docV2Error],
    ['documented v3 error', parseV3Error, real.docV3Error],
    ['v3 error with debugMessage', parseV3Error, real.realV3Error],
    ['v3 error with null code and details', parseV3Error, real.realV3ErrorNullCode],
  ] as const)('%s', (_name, parse, payload) => {
    const result = (parse as (i: unknown) => { ok: boolean; value?: unknown; errors?: unknown })(structuredClone(payload));
    expect(result.errors).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.value).toEqual(payload);
  });

  test('the entry by id: items are activityLogEntryItems, read tolerantly; the top level needs id, runId, state', () => {
    // A taskflow's item shape is UNCONFIRMED: an item with only an id and children is accepted.
    const taskflow = { ...real.realLogEntryById, type: 'WORKFLOW', items: [{ id: '1', children: [{ id: '2', objectName: 'MT_A' }] }] };
    expect(parseActivityLogEntryDetail(taskflow).ok).toBe(true);
    const { runId: _runId, ...noRunId } = real.realLogEntryById;
    expect(issuesOf(parseActivityLogEntryDetail(noRunId)).map((e) => e.path)).toContain('/runId');
    const badItem = { ...real.realLogEntryById, items: [{ ...real.realLogEntryById.items[0], children: [{ id: 7 }] }] };
    expect(issuesOf(parseActivityLogEntryDetail(badItem)).map((e) => e.path)).toContain('/items/0/children/0/id');
  });

  test('fields the spec does not list stay in value', () => {
    const result = parseLoginV2Response(structuredClone(real.realLoginV2));
    expect(result.ok && (result.value as Record<string, unknown>)['securityQuestion']).toBe('pet');
    const job = parseJobResponse(structuredClone(real.realJobStart));
    expect(job.ok && job.value.runInParallel).toBe(false);
  });

  test('a running monitor entry has no endTime and still passes', () => {
    const entry = real.realMonitor[0]!;
    expect('endTime' in entry).toBe(false);
    expect(parseActivityMonitorEntry(entry).ok).toBe(true);
  });
});

describe('read tolerantly', () => {
  test('unknown callback status passes as a string', () => {
    const result = parseCallbackUrlResponse({ ...real.docCallback, status: 'COMPLETED_WITH_WARNINGS' });
    expect(result.ok && result.value.status).toBe('COMPLETED_WITH_WARNINGS');
  });

  test('unknown executionState passes', () => {
    const result = parseActivityMonitorEntry({ ...real.realMonitor[0], executionState: 'SUSPENDED' });
    expect(result.ok && result.value.executionState).toBe('SUSPENDED');
  });

  test.each([
    ['documentation sample (14)', '0034J90000000M'],
    ['real v2 id (20)', '0119Y40Z00000000001S'],
    ['federated id (22)', '6OZL5GLp1wckJzwhTG30kD'],
    ['short (8)', '00001B0Z'],
  ])('ids of any length: %s', (_n, id) => {
    expect(parseCallbackUrlResponse({ ...real.docCallback, objectId: id }).ok).toBe(true);
    expect(parseJobRequest({ taskId: id, taskType: 'MTT' }).ok).toBe(true);
    expect(parseJobRequest({ taskFederatedId: id, taskType: 'MTT' }).ok).toBe(true);
  });
});

describe('bad input gets an error that names the path', () => {
  test('missing objectId', () => {
    const { objectId: _drop, ...rest } = real.docCallback;
    const [issue] = issuesOf(parseCallbackUrlResponse(rest));
    expect(issue).toEqual({ path: '/objectId', message: 'objectId is required' });
  });

  test.each([
    ['a fraction', 5.5, 'runId must be an integer, got the number 5.5'],
    ['a string', '5', 'runId must be an integer, got the string "5"'],
    ['negative', -1, 'runId'],
    ['beyond 2^53', 2 ** 53 + 2, 'runId'],
  ])('runId that is %s', (_n, runId, message) => {
    const issues = issuesOf(parseCallbackUrlResponse({ ...real.docCallback, runId }));
    expect(issues[0]!.path).toBe('/runId');
    expect(issues[0]!.message).toContain(message);
  });

  test.each([
    ['null', null],
    ['an array', [real.docCallback]],
    ['a string', JSON.stringify(real.docCallback)],
    ['a number', 5],
  ])('a non-object: %s', (_n, input) => {
    const issues = issuesOf(parseCallbackUrlResponse(input));
    expect(issues[0]!.path).toBe('');
    expect(issues[0]!.message).toMatch(/must be an object/);
  });

  test('an endTime of another shape, or null, and a null objectName still pass: refusing would lose the job end for good', () => {
    for (const endTime of ['2013-02-27 18:57:52', '02/27/2013 18:57', null]) {
      expect(parseCallbackUrlResponse({ ...real.docCallback, endTime }).ok, String(endTime)).toBe(true);
    }
    expect(parseCallbackUrlResponse({ ...real.docCallback, objectName: null }).ok).toBe(true);
    const entry = { ...real.realLogEntry, startTimeUtc: '2021-09-23 10:52:25', endTimeUtc: '' };
    expect(parseActivityLogEntry(entry).ok).toBe(true);
  });

  test('an endTime that is not a string is still refused, with its path', () => {
    const issues = issuesOf(parseCallbackUrlResponse({ ...real.docCallback, endTime: 1361991472000 }));
    expect(issues[0]!.path).toBe('/endTime');
  });

  test('a nested error names the nested path', () => {
    const bad = structuredClone(real.realLogEntry);
    (bad.entries[0] as Record<string, unknown>)['state'] = 'done';
    const issues = issuesOf(parseActivityLogEntry(bad));
    expect(issues[0]!.path).toBe('/entries/0/state');
  });

  test('formatIssues joins issues into one line', () => {
    const result = parseCallbackUrlResponse({ runId: 'x' });
    expect(formatIssues(issuesOf(result))).toBe(
      '/objectId: objectId is required; /status: status is required; /runId: runId must be an integer, got the string "x"',
    );
  });
});

describe('no prototype pollution', () => {
  test('a __proto__ key from JSON.parse is refused and Object.prototype stays clean', () => {
    const input = JSON.parse('{"objectId":"a","runId":1,"status":"COMPLETED","__proto__":{"polluted":"yes"}}');
    const issues = issuesOf(parseCallbackUrlResponse(input));
    expect(issues[0]).toEqual({ path: '/__proto__', message: 'the key "__proto__" is not allowed' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  test('constructor.prototype deep inside is refused too', () => {
    const input = JSON.parse('{"objectId":"a","runId":1,"status":"X","extra":{"constructor":{"prototype":{"p":1}}}}');
    expect(issuesOf(parseCallbackUrlResponse(input))[0]!.path).toBe('/extra/constructor');
  });

  test("IICS's answers may use constructor and prototype as map keys (a group named so), but never __proto__", () => {
    const login = structuredClone(real.realLoginV3);
    (login.userInfo.groups as Record<string, string>)['constructor'] = 'g1';
    expect(parseLoginV3Response(login).ok).toBe(true);
    const entry = structuredClone(real.realLogEntry);
    (entry.entries[0]!.logEntryItemAttrs as Record<string, string>)['prototype'] = 'x';
    expect(parseActivityLogEntry(entry).ok).toBe(true);
    const polluted = JSON.parse(JSON.stringify(login).replace('"groups":{', '"groups":{"__proto__":{"x":1},'));
    expect(issuesOf(parseLoginV3Response(polluted))[0]!.path).toBe('/userInfo/groups/__proto__');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  test('only own keys decide, even with an enumerable key on a prototype (the guard reads objects with for-in)', () => {
    const valid = { objectId: 'a', runId: 1, status: 'COMPLETED' };
    // An inherited enumerable forbidden key, on an ordinary prototype: not the input's own key, accepted as before.
    const inherited = Object.assign(Object.create({ constructor: { prototype: 1 }, extra: { __proto__: null, prototype: 1 } }), valid);
    expect(parseCallbackUrlResponse(inherited).ok).toBe(true);
    // Object.prototype itself polluted with an enumerable key holding a forbidden one: a valid input is still
    // accepted, and an own forbidden key still refused with its path.
    const proto = Object.prototype as Record<string, unknown>;
    Object.defineProperty(proto, 'pollutedForTest', { value: { constructor: 1 }, enumerable: true, configurable: true, writable: true });
    try {
      expect(parseCallbackUrlResponse({ ...valid }).ok).toBe(true);
      const bad = JSON.parse('{"objectId":"a","runId":1,"status":"COMPLETED","extra":{"prototype":1}}');
      expect(issuesOf(parseCallbackUrlResponse(bad))[0]).toEqual({ path: '/extra/prototype', message: 'the key "prototype" is not allowed' });
    } finally {
      delete proto['pollutedForTest'];
    }
    expect(parseCallbackUrlResponse(JSON.parse('{"objectId":"a","runId":1,"status":"COMPLETED","x":[{"y":{"__proto__":2}}]}')).ok).toBe(false);
  });

  test('absurdly deep nesting is refused without a stack overflow', () => {
    let deep: Record<string, unknown> = { ...real.realLogEntry, entries: [] };
    for (let i = 0; i < 10_000; i++) deep = { id: String(i), runId: 1, state: 1, entries: [deep] };
    const issues = issuesOf(parseActivityLogEntry(deep));
    expect(issues[0]!.message).toMatch(/nested deeper than/);
  });
});

describe('requests are exact', () => {
  test('a job request with an unknown field is refused', () => {
    const issues = issuesOf(parseJobRequest({ taskId: 'a', taskType: 'MTT', cleanStop: true }));
    expect(issues[0]).toEqual({ path: '/cleanStop', message: 'cleanStop is not a known field of JobRequest' });
  });

  test('the parameter file is accepted in runtime and at the top level', () => {
    expect(parseJobRequest({
      '@type': 'job', taskId: 'a', taskType: 'MTT',
      runtime: { '@type': 'mtTaskRuntime', parameterFileName: 'p.param', parameterFileDir: '/dir' },
      parameterFileName: 'p.param', parameterFileDir: '/dir',
    }).ok).toBe(true);
  });

  test('taskType outside TASK_TYPES is refused, upper case only', () => {
    expect(issuesOf(parseJobRequest({ taskId: 'a', taskType: 'TASKFLOW' }))[0]!.path).toBe('/taskType');
    expect(parseJobRequest({ taskId: 'a', taskType: 'Workflow' }).ok).toBe(false);
    expect(issuesOf(parseJobStopRequest({ taskName: 'a' }))[0]!.message).toBe('taskType is required');
  });

  test('callbackURL must be an absolute URL', () => {
    expect(parseJobRequest({ taskId: 'a', taskType: 'MTT', callbackURL: 'https://example.com/cb?secret=x' }).ok).toBe(true);
    expect(issuesOf(parseJobRequest({ taskId: 'a', taskType: 'MTT', callbackURL: '/relative' }))[0]!.path).toBe('/callbackURL');
  });

  test('login requests need both fields, and no more', () => {
    expect(parseLoginV2Request({ '@type': 'login', username: 'u', password: 'p' }).ok).toBe(true);
    expect(issuesOf(parseLoginV3Request({ username: 'u' }))[0]!.path).toBe('/password');
    expect(parseLoginV3Request({ '@type': 'login', username: 'u', password: 'p' }).ok).toBe(false);
  });

  test('an empty lookup is refused', () => {
    expect(issuesOf(parseLookupRequest({ objects: [] }))[0]!.path).toBe('/objects');
  });
});

describe('constants', () => {
  test('TASK_TYPES is the spec enum', () => {
    expect([...TASK_TYPES]).toEqual(TaskType.anyOf.map((s) => s.const));
    expect(isTaskType('MTT')).toBe(true);
    expect(isTaskType('mtt')).toBe(false);
  });
  test('statuses and states', () => {
    expect(CALLBACK_STATUSES).toEqual(['COMPLETED', 'FAILED']);
    expect(ACTIVITY_STATE).toEqual({ SUCCESS: 1, WARNING: 2, FAILED: 3 });
  });
});
