import { expectTypeOf, test } from 'vitest';
import type { IicsError, IicsErrorCode, JobState, JobStatus, StartJobRequest, StartedJob, StopJobRequest } from './index.js';
import { IicsApiError, IicsWaitTimeoutError, isIicsError } from './index.js';

test('a task is named exactly one way, with a task type from TASK_TYPES', () => {
  expectTypeOf<{ taskId: string; taskType: 'MTT' }>().toExtend<StartJobRequest>();
  expectTypeOf<{ path: string; taskType: 'WORKFLOW'; parameterFile: { name: string; dir: string } }>().toExtend<StartJobRequest>();
  expectTypeOf<{ taskId: string; taskName: string; taskType: 'MTT' }>().not.toExtend<StartJobRequest>();
  expectTypeOf<{ taskName: string; taskType: 'TASKFLOW' }>().not.toExtend<StartJobRequest>();
  expectTypeOf<{ taskName: string; taskType: 'MTT'; cleanStop: true }>().toExtend<StopJobRequest>();
});

test('results', () => {
  expectTypeOf<StartedJob['runId']>().toEqualTypeOf<number>();
  expectTypeOf<StartedJob['taskId']>().toEqualTypeOf<string>();
  // Known states autocomplete; unknown ones still fit.
  expectTypeOf<JobState>().toExtend<JobStatus['state']>();
  expectTypeOf<'SUSPENDED'>().toExtend<JobStatus['state']>();
  expectTypeOf<JobStatus['startedAt']>().toEqualTypeOf<Date | undefined>();
});

test('errors narrow by code', () => {
  expectTypeOf<IicsApiError['code']>().toEqualTypeOf<'IICS_API_ERROR'>();
  expectTypeOf<IicsWaitTimeoutError['name']>().toEqualTypeOf<'IicsWaitTimeoutError'>();
  expectTypeOf<IicsError['code']>().toEqualTypeOf<IicsErrorCode>();
  const error: unknown = new Error('x');
  if (isIicsError(error, 'IICS_TIMEOUT')) expectTypeOf(error.code).toEqualTypeOf<'IICS_TIMEOUT'>();
});
