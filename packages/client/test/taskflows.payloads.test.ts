import { parseTaskflowStatus, parseTaskflowTerminateRequest } from '@iics-jobs/schema';
import { describe, expect, test } from 'vitest';
import { parseJsonKeepingRunIds } from '../src/taskflows/json.js';
import { taskflowStatusFrom } from '../src/taskflows/status.js';
import { POD_ORIGIN, mockIics, SESSION_1 } from './helpers/mock-iics.js';

// The documented payload shapes of the /active-bpel resources (next-wave-api.md §2), replayed as raw text.
const DOC_RUN_ID = '20262247166322413568';
const DOC_STATUS = `{
  "assetName": "TF_Orders-nightly-${DOC_RUN_ID}",
  "assetType": "TASKFLOW",
  "duration": "71",
  "endTime": "2021-06-10T05:49:39Z",
  "errorMessage": null,
  "location": "Default",
  "runId": ${DOC_RUN_ID},
  "runtimeEnv": "01000025000000000003",
  "runtimeEnvName": "Informatica Cloud Hosted Agent",
  "startTime": "2021-06-10T05:48:28Z",
  "startedBy": "jdoe@example.com",
  "status": "SUCCESS",
  "subtasks": [],
  "updateTime": "2021-06-10T05:49:39Z",
  "statusCode": 200
}`;

describe('run ids parsed from the raw text', () => {
  test('a 20-digit run id given as a JSON number keeps every digit (a plain JSON.parse loses them)', () => {
    expect((JSON.parse(`{"RunId":${DOC_RUN_ID}}`) as { RunId: number }).RunId.toString()).not.toBe(DOC_RUN_ID);
    expect(parseJsonKeepingRunIds(`{"RunId":${DOC_RUN_ID}}`)).toEqual({ RunId: DOC_RUN_ID });
    expect(parseJsonKeepingRunIds(`{ "runId" :\n ${DOC_RUN_ID} , "n": 20262247166322413568 }`)).toEqual({ runId: DOC_RUN_ID, n: 20262247166322413568 });
    expect(parseJsonKeepingRunIds(`[{"subtasks":[{"runId":681134580186693632}]},{"run_id":7645954072982472420}]`)).toEqual([
      { subtasks: [{ runId: '681134580186693632' }] },
      { run_id: '7645954072982472420' },
    ]);
  });

  test('text that only looks like a run id inside a string value is left alone; strings stay strings', () => {
    const text = `{"errorMessage":"bad \\"runId\\":123 here","runId":"${DOC_RUN_ID}","RunIdx":5}`;
    expect(parseJsonKeepingRunIds(text)).toEqual({ errorMessage: 'bad "runId":123 here', runId: DOC_RUN_ID, RunIdx: 5 });
    expect(() => parseJsonKeepingRunIds('{"runId":')).toThrow(SyntaxError);
  });
});

describe('documented shapes', () => {
  test('the status answer validates and maps, the run id exact, times UTC', () => {
    const body = parseJsonKeepingRunIds(DOC_STATUS);
    const parsed = parseTaskflowStatus(body);
    expect(parsed.ok).toBe(true);
    const status = taskflowStatusFrom(parsed.ok ? parsed.value : (undefined as never), DOC_RUN_ID);
    expect(status).toMatchObject({ runId: DOC_RUN_ID, state: 'SUCCESS', terminal: true, suspended: false, name: `TF_Orders-nightly-${DOC_RUN_ID}` });
    expect(status.startedAt?.toISOString()).toBe('2021-06-10T05:48:28.000Z');
    expect((status.raw as Record<string, unknown>).statusCode).toBe(200);
  });

  test('states: SUSPENDED is not ended; an unknown state passes through, ended only with an end time', () => {
    const of = (extra: Record<string, unknown>) => taskflowStatusFrom({ status: 'RUNNING', ...extra } as never, DOC_RUN_ID);
    expect(of({ status: 'SUSPENDED' })).toMatchObject({ state: 'SUSPENDED', terminal: false, suspended: true });
    expect(of({ status: 'Paused' })).toMatchObject({ state: 'Paused', terminal: false });
    expect(of({ status: 'Aborting', endTime: '2021-06-10T05:49:39Z' })).toMatchObject({ state: 'Aborting', terminal: true });
    expect(of({ status: 'stopped' })).toMatchObject({ state: 'STOPPED', terminal: true });
    // `subtasks` as a count (some copies) is read without steps.
    expect(of({ subtasks: 3 }).steps).toBeUndefined();
  });

  test('the documented terminate body validates; numbers and more than 200 ids do not', () => {
    expect(parseTaskflowTerminateRequest({ runid: ['7645954072982472420', '675348537035183518'] }).ok).toBe(true);
    expect(parseTaskflowTerminateRequest({ runid: [7645954072982472420] }).ok).toBe(false);
    expect(parseTaskflowTerminateRequest({ runid: Array.from({ length: 201 }, () => '1') }).ok).toBe(false);
  });
});

describe('a replay of the documented answers over HTTP', () => {
  test('start reads RunId (then runId) as a JSON number without loss; status and resume go to the POD host', async () => {
    const iics = mockIics();
    iics.allowLogin();
    iics.on('POST', '/active-bpel/rt/TF_Orders', 200, `{"RunId":${DOC_RUN_ID}}`);
    iics.on('GET', `/active-bpel/services/tf/status/${DOC_RUN_ID}`, 200, DOC_STATUS.replace('"SUCCESS"', '"SUSPENDED"').replace(/"endTime": "[^"]+"/, '"endTime": null'));
    iics.pod.intercept({ path: `/active-bpel/management/runtime/v1/resumeWithFaultRetry/${DOC_RUN_ID}`, method: 'PUT' }).reply(204, '');
    iics.on('POST', '/active-bpel/rt/TF_Lower', 200, '{"runId":681134580186693632}');
    const client = iics.client();
    const started = await client.taskflows.start({ apiName: 'TF_Orders', input: { a: 1 } });
    expect(started.runId).toBe(DOC_RUN_ID);
    await client.taskflows.resume(started.runId);
    expect((await client.taskflows.start({ apiName: 'TF_Lower' })).runId).toBe('681134580186693632');
    const run = iics.seen.find((r) => r.path === '/active-bpel/rt/TF_Orders')!;
    expect(run.headers['infa-session-id']).toBe(SESSION_1);
    expect(run.body).toEqual({ a: 1 });
    expect(POD_ORIGIN).not.toContain('/saas');
    iics.agent.assertNoPendingInterceptors();
    await client.close();
  });

  test('an answer with neither RunId nor runId: IICS_INVALID_RESPONSE naming /RunId', async () => {
    const iics = mockIics();
    iics.allowLogin();
    iics.on('POST', '/active-bpel/rt/TF_Orders', 200, '{"id":"5"}');
    const client = iics.client();
    const error = await client.taskflows.start({ apiName: 'TF_Orders' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IICS_INVALID_RESPONSE', schemaPath: '/RunId' });
    await client.close();
  });
});
