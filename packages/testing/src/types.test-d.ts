import type { ActivityLogEntry, ActivityLogEntryDetail, CallbackUrlResponse, JobResponse, TaskType, V2Error } from '@iics-jobs/schema';
import { describe, expectTypeOf, test } from 'vitest';
import { deliverCallback, fixtures, startFakeIics, type DeliveryResult, type FakeIics, type FakeIngestionRoute, type FakeRoute, type FakeTaskDefinition } from './index.js';
import { useFakeIics } from './vitest.js';

describe('public types', () => {
  test('task types are the schema TaskType, and MI_TASK (file ingestion)', () => {
    expectTypeOf<FakeTaskDefinition['type']>().toEqualTypeOf<TaskType | 'MI_TASK'>();
  });

  test('fixtures return the schema types', () => {
    expectTypeOf(fixtures.callbackUrlResponse()).toEqualTypeOf<CallbackUrlResponse>();
    expectTypeOf(fixtures.jobResponse()).toEqualTypeOf<JobResponse>();
    expectTypeOf(fixtures.activityLogEntry()).toEqualTypeOf<ActivityLogEntry>();
    expectTypeOf(fixtures.activityLogEntryDetail()).toEqualTypeOf<ActivityLogEntryDetail>();
    expectTypeOf(fixtures.v2Error()).toEqualTypeOf<V2Error>();
    expectTypeOf(fixtures.docCallbackSample).toEqualTypeOf<CallbackUrlResponse>();
    // @ts-expect-error runId is a number
    fixtures.callbackUrlResponse({ runId: '5' });
  });

  test('the contract shapes', () => {
    expectTypeOf(startFakeIics).returns.toEqualTypeOf<Promise<FakeIics>>();
    expectTypeOf(deliverCallback).returns.toEqualTypeOf<Promise<DeliveryResult>>();
    expectTypeOf(useFakeIics).returns.toEqualTypeOf<FakeIics>();
    expectTypeOf<FakeRoute>().toEqualTypeOf<'loginV2' | 'loginV3' | 'logout' | 'validSessionId' | 'serverTime' | 'job' | 'stop' | 'activityMonitor' | 'activityLog' | 'sessionLog' | 'errorLog' | 'lookup' | 'objects' | 'taskflowRun' | 'taskflowStatus' | 'taskflowTerminate' | 'taskflowResume' | FakeIngestionRoute | '*'>();
    expectTypeOf<DeliveryResult['attempts'][number]>().toMatchTypeOf<{ at: number; status?: number; error?: string }>();
  });
});
