import { afterEach, expect, test } from 'vitest';
import type { IicsClient } from '../src/index.js';
import { mockIics, type MockIics } from './helpers/mock-iics.js';

// jobs.report reads `GET /activityLog/{id}`, whose real answer has `items` of activityLogEntryItems
// (reference §11, the sample below), not the list's children. IICS is mocked (undici MockAgent).

let m: MockIics;
let client: IicsClient;
afterEach(async () => {
  await client?.close();
  await m?.agent.close();
});

const TASK = '0119Y40Z00000000001S';
// The list entry tells the state; it carries no rows per transformation here, so they must come from the entry by id.
const LISTED = { '@type': 'activityLogEntry', id: '0119Y4C1000000000QEH', type: 'MTT', objectId: TASK, objectName: 'MT_Warning', runId: 6, state: 2, entries: [] };
const BY_ID = {
  '@type': 'activityLogEntry', id: '0119Y4C1000000000QEH', type: 'MTT', objectId: TASK, objectName: 'MT_Warning', runId: 6,
  startTime: '2021-09-23T03:01:16.000Z', endTime: '2021-09-23T03:01:46.000Z',
  startTimeUtc: '2021-09-23T07:01:16.000Z', endTimeUtc: '2021-09-23T07:01:46.000Z', state: 2,
  failedSourceRows: 0, successSourceRows: 4, failedTargetRows: 4, successTargetRows: 0,
  startedBy: 'user_example', runContextType: 'ICS_UI', orgId: '0119Y4', totalSuccessRows: 0, totalFailedRows: 4,
  stopOnError: false, hasStopOnErrorRecord: true,
  items: [{
    '@type': 'activityLogEntryItem', id: '2752250614', type: 'MTT', objectId: TASK, objectName: '', runId: 6,
    agentId: '0119Y40800000000000A', runtimeEnvironmentId: '0119Y425000000000003',
    startTime: '2021-09-23T03:01:16.000Z', endTime: '2021-09-23T03:01:46.000Z', state: 2,
    errorMsg: 'WRT_8229 Database errors occurred: \nFnName: Execute -- [Informatica][ODBC Oracle Wire Protocol driver][Oracle]ORA-00001: unique constraint (APP.MULTIPK_PK) violated',
    logEntryItemAttrs: { CONSUMED_COMPUTE_UNITS: '0.0', ERROR_CODE: '8229', IS_SERVER_LESS: 'false', REQUESTED_COMPUTE_UNITS: '0.0', 'Session Log File Name': 's_mtt_8aA3LJ2OM7fkgCNryvrpCf_6.log' },
    startedBy: 'user_example', runContextType: 'ICS_UI', children: [],
    transformationEntries: [
      { '@type': 'transformationLogEntry', id: '5560747582', txName: 'Source', txType: 'SOURCE', successRows: 4, failedRows: 0 },
      { '@type': 'transformationLogEntry', id: '5560747585', txName: 'MULTIPK', txType: 'TARGET', successRows: 0, failedRows: 4 },
    ],
    sequenceValues: [], inOutParameterValues: [],
  }],
};

function answer(byId: unknown): void {
  m = mockIics();
  client = m.client({ retry: { retries: 0 } });
  m.allowLogin();
  m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 200, []);
  m.on('GET', `/saas/api/v2/activity/activityLog?taskId=${TASK}&runId=6`, 200, [LISTED]);
  m.on('GET', `/saas/api/v2/activity/activityLog/${LISTED.id}`, 200, byId);
}

test('the real entry by id: rows per transformation, the error and the log file name come from its activityLogEntryItem', async () => {
  answer(BY_ID);
  const report = await client.jobs.report({ taskId: TASK, runId: 6 }, { tailLines: 0 });
  expect(report).toMatchObject({ state: 'WARNING', logFileName: 's_mtt_8aA3LJ2OM7fkgCNryvrpCf_6.log' });
  expect(report.transformations).toEqual([
    { name: 'Source', type: 'SOURCE', successRows: 4, failedRows: 0 },
    { name: 'MULTIPK', type: 'TARGET', successRows: 0, failedRows: 4 },
  ]);
  expect(report.errorMessage).toMatch(/^WRT_8229 .*ORA-00001/s);
});

test('an item shape not yet seen (no runId or state, rows one level down in children) is read, not refused', async () => {
  const [item] = BY_ID.items;
  const { runId: _r, state: _s, transformationEntries, logEntryItemAttrs, ...bare } = item!;
  answer({ ...BY_ID, items: [{ ...bare, children: [{ id: '2752250615', transformationEntries, logEntryItemAttrs }] }] });
  const report = await client.jobs.report({ taskId: TASK, runId: 6 }, { tailLines: 0 });
  expect(report.transformations.map((t) => t.name)).toEqual(['Source', 'MULTIPK']);
  expect(report.logFileName).toBe('s_mtt_8aA3LJ2OM7fkgCNryvrpCf_6.log');
});
