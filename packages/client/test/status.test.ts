import type { ActivityLogEntry, ActivityMonitorEntry } from '@iics-jobs/schema';
import { describe, expect, test } from 'vitest';
import { easternToUtc, stateFromExecutionState, stateFromLogState } from '../src/index.js';
import { findLogEntry, findMonitorEntry, statusFromLog, statusFromMonitor } from '../src/status.js';

describe('state mapping', () => {
  test.each([
    ['QUEUED', 'QUEUED', false],
    ['INITIALIZED', 'QUEUED', false],
    ['RUNNING', 'RUNNING', false],
    ['STOPPING', 'STOPPING', false],
    ['FAILED', 'FAILED', true],
    ['SOMETHING_NEW', 'SOMETHING_NEW', false],
  ])('monitor %s → %s (terminal %s)', (executionState, state, terminal) => {
    expect(stateFromExecutionState(executionState)).toEqual({ state, terminal });
  });

  test.each([
    [1, 'SUCCESS'],
    [2, 'WARNING'],
    [3, 'FAILED'],
    [9, 'LOG_STATE_9'],
  ])('log state %i → %s, always terminal', (state, expected) => {
    expect(stateFromLogState(state)).toEqual({ state: expected, terminal: true });
  });
});

describe('Eastern wall-clock times with a false Z', () => {
  test('summer (EDT, UTC-4): the real sample 07:38:24 "Z" is 11:38:24 UTC', () => {
    expect(easternToUtc('2021-09-23T07:38:24.000Z')?.toISOString()).toBe('2021-09-23T11:38:24.000Z');
  });
  test('winter (EST, UTC-5)', () => {
    expect(easternToUtc('2024-01-15T10:00:00.000Z')?.toISOString()).toBe('2024-01-15T15:00:00.000Z');
  });
  test('across midnight and the year', () => {
    expect(easternToUtc('2023-12-31T22:30:00.000Z')?.toISOString()).toBe('2024-01-01T03:30:00.000Z');
  });
  test('not a date → undefined', () => {
    expect(easternToUtc('yesterday')).toBeUndefined();
  });
  test('either side of the daylight-saving changes, asked twice (the second answer comes from the offset cache)', () => {
    const cases: Array<[string, string]> = [
      ['2024-03-10T01:30:00.000Z', '2024-03-10T06:30:00.000Z'], // EST, half an hour before the spring change
      ['2024-03-10T03:30:00.000Z', '2024-03-10T07:30:00.000Z'], // EDT, half an hour after it
      ['2024-03-10T01:59:59.000Z', '2024-03-10T06:59:59.000Z'],
      ['2024-11-03T00:30:00.000Z', '2024-11-03T04:30:00.000Z'], // EDT before the autumn change
      ['2024-11-03T02:30:00.000Z', '2024-11-03T07:30:00.000Z'], // EST after it
    ];
    for (let round = 0; round < 2; round++) {
      for (const [wall, instant] of cases) expect(easternToUtc(wall)?.toISOString(), wall).toBe(instant);
    }
  });
});

const realLogEntry: ActivityLogEntry = {
  '@type': 'activityLogEntry',
  id: '0119Y4C1000000000QUY',
  type: 'MTT',
  objectId: '0119Y40Z00000000002H',
  objectName: 'RR_03190675',
  runId: 4,
  startTime: '2021-09-23T06:52:25.000Z',
  endTime: '2021-09-23T06:52:49.000Z',
  startTimeUtc: '2021-09-23T10:52:25.000Z',
  endTimeUtc: '2021-09-23T10:52:49.000Z',
  state: 1,
  failedSourceRows: 0,
  successSourceRows: 3,
  failedTargetRows: 0,
  successTargetRows: 3,
  entries: [{ '@type': 'activityLogEntry', id: '2753124997', type: 'MTT', objectName: '', runId: 4, state: 1, errorMsg: 'No errors encountered.' }],
};

describe('statusFromLog', () => {
  test('the real sample: SUCCESS, times from the *Utc fields, rows, no error message', () => {
    const s = statusFromLog({ taskId: '0119Y40Z00000000002H', runId: 4 }, realLogEntry);
    expect(s).toMatchObject({ state: 'SUCCESS', terminal: true, source: 'log', taskName: 'RR_03190675', taskType: 'MTT' });
    expect(s.startedAt?.toISOString()).toBe('2021-09-23T10:52:25.000Z');
    expect(s.endedAt?.toISOString()).toBe('2021-09-23T10:52:49.000Z');
    expect(s.rows).toEqual({ successSourceRows: 3, failedSourceRows: 0, successTargetRows: 3, failedTargetRows: 0 });
    expect(s.errorMessage).toBeUndefined();
    expect(s.raw).toBe(realLogEntry);
  });

  test('without *Utc fields the Eastern times are converted', () => {
    const { startTimeUtc: _s, endTimeUtc: _e, ...eastern } = realLogEntry;
    const s = statusFromLog({ taskId: '0119Y40Z00000000002H', runId: 4 }, eastern);
    expect(s.startedAt?.toISOString()).toBe('2021-09-23T10:52:25.000Z');
  });

  test('a warning takes the first child error when the top has none', () => {
    const entry: ActivityLogEntry = {
      ...realLogEntry,
      state: 2,
      entries: [{ id: 'c', runId: 4, state: 2, errorMsg: 'WRT_8229 Database errors occurred' }],
    };
    expect(statusFromLog({ taskId: realLogEntry.objectId!, runId: 4 }, entry)).toMatchObject({
      state: 'WARNING',
      errorMessage: 'WRT_8229 Database errors occurred',
    });
  });

  test('a linear taskflow lists its tasks with their own runIds and states', () => {
    const entry: ActivityLogEntry = {
      id: 'W',
      type: 'WORKFLOW',
      objectId: 'LT1',
      objectName: 'LT_Nightly',
      runId: 6,
      state: 3,
      errorMsg: 'One or more tasks generated error rows or failed.',
      entries: [
        { id: 'a', type: 'MTT', objectId: 'MT1', objectName: 'MT_A', runId: 14, state: 1 },
        { id: 'b', type: 'MTT', objectId: 'MT2', objectName: 'MT_B', runId: 3, state: 3, errorMsg: 'TE_7002 fatal' },
      ],
    };
    const s = statusFromLog({ taskId: 'LT1', runId: 6 }, entry);
    expect(s.state).toBe('FAILED');
    expect(s.children).toEqual([
      expect.objectContaining({ taskId: 'MT1', taskName: 'MT_A', runId: 14, state: 'SUCCESS' }),
      expect.objectContaining({ taskId: 'MT2', taskName: 'MT_B', runId: 3, state: 'FAILED', errorMessage: 'TE_7002 fatal' }),
    ]);
  });
});

describe('monitor entries', () => {
  const realMonitor: ActivityMonitorEntry[] = [
    {
      '@type': 'activityMonitoryEntry',
      id: '0119Y40E000000000Q38',
      type: 'WORKFLOW',
      taskId: '0119Y40N000000000004',
      taskName: 'LT-Warning',
      objectName: '',
      runId: 6,
      startTime: '2021-09-23T07:38:24.000Z',
      executionState: 'RUNNING',
      entries: [
        {
          '@type': 'activityMonitoryEntry',
          id: '0119Y40E000000000Q39',
          type: 'MTT',
          taskId: '0119Y40Z00000000001S',
          taskName: 'MT_Warning',
          runId: 14,
          startTime: '2021-09-23T07:38:24.000Z',
          executionState: 'RUNNING',
          entries: [],
        },
      ],
    },
  ];

  test('the taskflow itself, with its running child and the Eastern start converted', () => {
    const entry = findMonitorEntry(realMonitor, { taskId: '0119Y40N000000000004', runId: 6 })!;
    const s = statusFromMonitor({ taskId: '0119Y40N000000000004', runId: 6 }, entry);
    expect(s).toMatchObject({ state: 'RUNNING', terminal: false, source: 'monitor', taskName: 'LT-Warning' });
    expect(s.startedAt?.toISOString()).toBe('2021-09-23T11:38:24.000Z');
    expect(s.children).toEqual([expect.objectContaining({ taskId: '0119Y40Z00000000001S', runId: 14, state: 'RUNNING' })]);
  });

  test('a finished task inside a running taskflow reads COMPLETED and terminal, not RUNNING', () => {
    const monitor = structuredClone(realMonitor);
    monitor[0]!.entries![0]!.executionState = 'COMPLETED';
    const s = statusFromMonitor({ taskId: '0119Y40N000000000004', runId: 6 }, monitor[0]!);
    expect(s).toMatchObject({ state: 'RUNNING', terminal: false });
    expect(s.children).toEqual([expect.objectContaining({ runId: 14, state: 'COMPLETED', terminal: true })]);
  });

  test('a child task run is found by its own (taskId, runId)', () => {
    expect(findMonitorEntry(realMonitor, { taskId: '0119Y40Z00000000001S', runId: 14 })?.taskName).toBe('MT_Warning');
    expect(findMonitorEntry(realMonitor, { taskId: '0119Y40Z00000000001S', runId: 6 })).toBeUndefined();
  });

  test('log lookup matches task and run, not the run alone', () => {
    expect(findLogEntry([realLogEntry], { taskId: 'another', runId: 4 })).toBeUndefined();
    expect(findLogEntry([realLogEntry], { taskId: '0119Y40Z00000000002H', runId: 4 })).toBe(realLogEntry);
  });
});
