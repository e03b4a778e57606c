import { describe, expectTypeOf, test } from 'vitest';
import type { IicsClient, TaskflowStatus } from '../index.js';

describe('client.taskflows contract', () => {
  test('run ids are strings everywhere', () => {
    expectTypeOf<Awaited<ReturnType<IicsClient['taskflows']['start']>>['runId']>().toEqualTypeOf<string>();
    expectTypeOf<TaskflowStatus['runId']>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<IicsClient['taskflows']['status']>[0]>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<IicsClient['taskflows']['resume']>[1]>().toEqualTypeOf<{ skipFault?: boolean; signal?: AbortSignal } | undefined>();
  });
});
