import * as schema from '@iics-jobs/schema';
import { describe, expect, test } from 'vitest';
import { fixtures } from '../src/index.js';
import { expectValid } from './helpers.js';

const parsers = {
  callbackUrlResponse: schema.parseCallbackUrlResponse,
  jobRequest: schema.parseJobRequest,
  jobStopRequest: schema.parseJobStopRequest,
  jobResponse: schema.parseJobResponse,
  activityMonitorEntry: schema.parseActivityMonitorEntry,
  activityLogEntry: schema.parseActivityLogEntry,
  activityLogEntryDetail: schema.parseActivityLogEntryDetail,
  v2Error: schema.parseV2Error,
  v3Error: schema.parseV3Error,
  loginV2Request: schema.parseLoginV2Request,
  loginV3Request: schema.parseLoginV3Request,
  loginV2Response: schema.parseLoginV2Response,
  loginV3Response: schema.parseLoginV3Response,
  lookupRequest: schema.parseLookupRequest,
  lookupResponse: schema.parseLookupResponse,
  objectsResponse: schema.parseObjectsResponse,
  successResponse: schema.parseSuccessResponse,
} as const;

describe('fixtures', () => {
  test.each(Object.keys(parsers) as Array<keyof typeof parsers>)('%s() is valid against the schema', (name) => {
    expectValid(parsers[name], fixtures[name]());
  });

  test('the builders cover every payload', () => {
    const builders = Object.entries(fixtures).filter(([, value]) => typeof value === 'function').map(([name]) => name);
    expect(builders.sort()).toEqual(Object.keys(parsers).sort());
  });

  test('realistic values: real id shapes, Eastern startTime 4 h behind startTimeUtc in September', () => {
    const entry = fixtures.activityLogEntry();
    expect(entry.objectId).toHaveLength(20);
    expect(entry.startTime).toBe('2021-09-23T06:52:25.000Z');
    expect(entry.startTimeUtc).toBe('2021-09-23T10:52:25.000Z');
    expect(entry.errorMsg).toBeUndefined();
    expect(entry.entries?.[0]?.errorMsg).toBe('No errors encountered.');
    const byId = fixtures.activityLogEntryDetail();
    expect(byId.orgId).toHaveLength(6);
    expect(byId.items?.[0]).toMatchObject({ '@type': 'activityLogEntryItem', objectId: entry.objectId, children: [], sequenceValues: [] });
    expect(Object.keys(byId.items![0]!).filter((key) => /Utc$|^entries$/.test(key))).toEqual([]);
    expect(fixtures.activityMonitorEntry()['@type']).toBe('activityMonitoryEntry');
    expect(fixtures.activityMonitorEntry().endTime).toBeUndefined();
    expect(fixtures.lookupResponse().objects[0]!.id).toHaveLength(22);
  });

  test('overrides merge into nested objects, replace arrays, and undefined removes a key', () => {
    const error = fixtures.v3Error({ error: { code: 'V3API_ObjectsListError_03' } });
    expect(error.error.code).toBe('V3API_ObjectsListError_03');
    expect(error.error.message).toBe('User name or password is not valid.');

    const failed = fixtures.activityLogEntry({ state: 3, errorMsg: 'TE_7002 Transformation Parse Fatal Error', entries: [] });
    expect(failed.state).toBe(3);
    expect(failed.entries).toEqual([]);
    expectValid(schema.parseActivityLogEntry, failed);

    const noEnd = fixtures.callbackUrlResponse({ endTime: undefined, status: 'FAILED' });
    expect('endTime' in noEnd).toBe(false);
    expect(noEnd.status).toBe('FAILED');
    expect(fixtures.callbackUrlResponse({ extraField: 'kept' } as never)).toMatchObject({ extraField: 'kept' });
  });

  test('each call returns a fresh object', () => {
    const a = fixtures.activityLogEntry();
    a.entries![0]!.state = 3;
    expect(fixtures.activityLogEntry().entries![0]!.state).toBe(1);
  });

  test('docCallbackSample is the documentation sample, frozen', () => {
    expect(fixtures.docCallbackSample).toEqual({
      '@type': 'callbackUrlResponse',
      endTime: '2013-02-27T18:57:52.000Z',
      objectId: '0034J90000000M',
      objectName: 'taskName',
      runId: 5,
      status: 'COMPLETED',
    });
    expect(Object.isFrozen(fixtures.docCallbackSample)).toBe(true);
    expectValid(schema.parseCallbackUrlResponse, fixtures.docCallbackSample);
  });

  test('refuses overrides that could reach a prototype', () => {
    expect(() => fixtures.jobRequest(JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(/__proto__/);
    expect(() => fixtures.jobRequest('x' as never)).toThrow(/plain object/);
  });
});
