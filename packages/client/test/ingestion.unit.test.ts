import { MockAgent } from 'undici';
import { describe, expect, test } from 'vitest';
import { createIicsClient, IicsInvalidResponseError, stateFromJobStatus } from '../src/index.js';
import { rawTopLevelNumber } from '../src/ingestion/run-id.js';
import { statusFromAnswer } from '../src/ingestion/status.js';

describe('rawTopLevelNumber', () => {
  test('gives the digits of a top-level number, skipping strings and nested members that look alike', () => {
    const text = '{"note":"\\"runId\\":1,", "inner":{"runId":2,"x":[{"runId":3}]}, "runId" : 20262247166322413568 , "z":1}';
    expect(rawTopLevelNumber(text, 'runId')).toBe('20262247166322413568');
    expect(rawTopLevelNumber('{"RunId":"5"}', 'RunId')).toBeUndefined();
    expect(rawTopLevelNumber('{"a":1}', 'runId')).toBeUndefined();
    expect(rawTopLevelNumber('[1]', 'runId')).toBeUndefined();
  });
});

describe('jobStatus', () => {
  test.each([
    ['SUCCESS', 'SUCCESS', true],
    ['RUNNING', 'RUNNING', false],
    ['FAILED', 'FAILED', true],
    ['failed', 'FAILED', true],
    ['QUEUED', 'QUEUED', false],
    ['PARTIAL_SUCCESS', 'PARTIAL_SUCCESS', true],
  ] as const)('%s → %s (terminal %s)', (jobStatus, state, terminal) => {
    expect(stateFromJobStatus(jobStatus)).toEqual({ state, terminal });
  });

  test('the other plausible per-file forms are read: fileDetails, name, fileStatus, size as text', () => {
    const status = statusFromAnswer('7', {
      jobStatus: 'FAILED',
      fileDetails: [
        { name: 'a.csv', fileStatus: 'success', size: '12' },
        { name: 'b.csv', fileStatus: 'FAILED', message: 'Permission denied' },
      ],
    });
    expect(status.files?.map((f) => [f.name, f.state, f.sizeBytes, f.errorMessage])).toEqual([
      ['a.csv', 'SUCCESS', 12, undefined],
      ['b.csv', 'FAILED', undefined, 'Permission denied'],
    ]);
    expect(status.errorMessage).toBe('b.csv: Permission denied');
    expect(statusFromAnswer('7', { jobStatus: 'SUCCESS' }).files).toBeUndefined();
  });
});

describe('start answers in other forms (a mock POD, since the fake writes one form at a time)', () => {
  async function startWith(body: string): Promise<unknown> {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const login = agent.get('https://dm-us.example.test');
    login.intercept({ path: '/ma/api/v2/user/login', method: 'POST' }).reply(200, { icSessionId: 's'.repeat(22), serverUrl: 'https://na1.example.test/saas' });
    agent
      .get('https://na1.example.test')
      .intercept({ path: '/mftsaas/api/v1/job', method: 'POST', headers: { 'ids-session-id': 's'.repeat(22) } })
      .reply(200, body, { headers: { 'content-type': 'application/json' } });
    const client = createIicsClient({ loginUrl: 'https://dm-us.example.test', username: 'u', password: 'p', dispatcher: agent });
    try {
      return await client.fileIngestion.start({ taskId: 'k1YHA1blhcBjbJvCIRQX2s' });
    } catch (error) {
      return error;
    } finally {
      await client.close();
      await agent.close();
    }
  }

  test('a string RunId is taken as it is; runId is preferred over RunId', async () => {
    expect(await startWith('{"RunId":"00123"}')).toMatchObject({ runId: '00123', taskId: 'k1YHA1blhcBjbJvCIRQX2s' });
    expect(await startWith('{"RunId":"1","runId":"2"}')).toMatchObject({ runId: '2' });
  });

  test('an answer without a run id is IICS_INVALID_RESPONSE naming /runId, with the raw body kept out', async () => {
    const error = await startWith('{"projectId":0,"runMode":"UNKNOWN"}');
    expect(error).toBeInstanceOf(IicsInvalidResponseError);
    expect(error).toMatchObject({ schemaPath: '/runId', status: 200 });
    expect(await startWith('{"runId":1.5}')).toMatchObject({ code: 'IICS_INVALID_RESPONSE', schemaPath: '/runId' });
  });
});
