import { inspect } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import {
  IicsApiError,
  IicsAuthError,
  IicsInvalidArgumentError,
  IicsInvalidResponseError,
  IicsNetworkError,
  IicsTaskNotFoundError,
  type IicsClient,
} from '../src/index.js';
import { mockIics, PASSWORD, POD_ORIGIN, SESSION_1, SESSION_2, type MockIics } from './helpers/mock-iics.js';

// Edge cases the fake cannot produce: odd bodies, exact retry and replay rules, request shapes.

const START_OK = { '@type': 'job', taskId: '0119Y40Z00000000001S', taskType: 'MTT', runId: 18, taskName: 'MT_Warning', runInParallel: false };

let m: MockIics;
let client: IicsClient;

afterEach(async () => {
  await client?.close();
  await m?.agent.close();
});

function setup(options: Parameters<MockIics['client']>[0] = {}): void {
  m = mockIics();
  client = m.client(options);
}

describe('login and session', () => {
  test('logs in lazily with v2, then sends the session id in icSessionId to the serverUrl it was given', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', 200, START_OK);
    const started = await client.jobs.start({ taskName: 'MT_Warning', taskType: 'MTT' });
    expect(started).toEqual({ ...START_OK });
    expect(m.seen.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /ma/api/v2/user/login', 'POST /saas/api/v2/job']);
    expect(m.seen[0]!.body).toEqual({ '@type': 'login', username: 'jdoe@example.com', password: PASSWORD });
    expect(m.seen[1]!.headers.icsessionid).toBe(SESSION_1);
    expect(m.seen[1]!.body).toEqual({ '@type': 'job', taskName: 'MT_Warning', taskType: 'MTT' });
    expect(m.seen[1]!.headers['content-type']).toBe('application/json');
  });

  test('v3 login takes baseApiUrl and userInfo.sessionId; v2 resources still get icSessionId, lookup gets INFA-SESSION-ID', async () => {
    setup({ apiVersion: 'v3' });
    m.login.intercept({ path: '/saas/public/core/v3/login', method: 'POST' }).reply((opts) => {
      m.seen.push({ method: 'POST', path: opts.path, headers: {}, body: JSON.parse(String(opts.body)) });
      return {
        statusCode: 200,
        data: { products: [{ name: 'Integration Cloud', baseApiUrl: `${POD_ORIGIN}/saas` }], userInfo: { sessionId: SESSION_2, orgId: 'x' } },
      };
    });
    m.on('POST', '/saas/public/core/v3/lookup', 200, { objects: [{ id: 'FED00000000000000000001', path: 'Sales/MT_Load', type: 'MTT' }] });
    m.on('POST', '/saas/api/v2/job', 200, START_OK);
    await client.jobs.start({ path: 'Sales/MT_Load', taskType: 'MTT' });
    expect(m.seen[0]!.body).toEqual({ username: 'jdoe@example.com', password: PASSWORD });
    expect(m.seen[1]!.headers['infa-session-id']).toBe(SESSION_2);
    expect(m.seen[1]!.body).toEqual({ objects: [{ path: 'Sales/MT_Load', type: 'MTT' }] });
    expect(m.seen[2]!.headers.icsessionid).toBe(SESSION_2);
    expect(m.seen[2]!.body).toEqual({ '@type': 'job', taskFederatedId: 'FED00000000000000000001', taskType: 'MTT' });
  });

  test('one login however many calls wait for it', async () => {
    setup();
    m.allowLogin(SESSION_1, 5);
    for (let i = 0; i < 5; i++) m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 200, []);
    for (let i = 0; i < 5; i++) m.on('GET', '/saas/api/v2/activity/activityLog*', 200, []);
    const statuses = await Promise.all([1, 2, 3, 4, 5].map((runId) => client.jobs.status({ taskId: 'T1', runId })));
    expect(statuses.map((s) => s.state)).toEqual(['QUEUED', 'QUEUED', 'QUEUED', 'QUEUED', 'QUEUED']);
    expect(m.seen.filter((r) => r.path === '/ma/api/v2/user/login')).toHaveLength(1);
  });

  test('a 401 logs in again once and replays the request, even a start', async () => {
    setup();
    m.allowLogin(SESSION_1);
    m.allowLogin(SESSION_2);
    m.on('POST', '/saas/api/v2/job', 401, { '@type': 'error', code: 'AUTH_01', description: 'Invalid session', statusCode: 401 });
    m.on('POST', '/saas/api/v2/job', 200, START_OK);
    const started = await client.jobs.start({ taskId: START_OK.taskId, taskType: 'MTT' });
    expect(started.runId).toBe(18);
    const jobs = m.seen.filter((r) => r.path === '/saas/api/v2/job');
    expect(jobs.map((r) => r.headers.icsessionid)).toEqual([SESSION_1, SESSION_2]);
  });

  test('a second 401 right after a fresh login is IICS_AUTH_FAILED, not a loop', async () => {
    setup();
    m.allowLogin(SESSION_1);
    m.allowLogin(SESSION_2);
    m.on('POST', '/saas/api/v2/job', 401, '');
    m.on('POST', '/saas/api/v2/job', 401, '');
    const error = await client.jobs.start({ taskId: 'T', taskType: 'MTT' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsAuthError);
    expect((error as IicsAuthError).code).toBe('IICS_AUTH_FAILED');
    expect(m.seen.filter((r) => r.path === '/ma/api/v2/user/login')).toHaveLength(2);
  });

  test('wrong credentials: IICS_AUTH_FAILED with the IICS code, without the password', async () => {
    setup();
    m.on('POST', '/ma/api/v2/user/login', 403, { '@type': 'error', code: 'UI_10000', description: 'User name or password is not valid.', statusCode: 403 });
    const error = (await client.jobs.status({ taskId: 'T', runId: 1 }).catch((e: unknown) => e)) as IicsAuthError;
    expect(error).toBeInstanceOf(IicsAuthError);
    expect(error).toMatchObject({ status: 403, iicsCode: 'UI_10000', description: 'User name or password is not valid.' });
    expect(`${error.message} ${inspect(error)} ${JSON.stringify(error)}`).not.toContain(PASSWORD);
  });

  test('logout posts to the v2 logout resource with the session, and the next call logs in again', async () => {
    setup();
    m.allowLogin(SESSION_1);
    m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 200, []);
    m.on('GET', '/saas/api/v2/activity/activityLog*', 200, []);
    await client.jobs.status({ taskId: 'T', runId: 1 });
    m.on('POST', '/saas/api/v2/user/logout', 200, '');
    await client.logout();
    expect(m.seen.at(-1)).toMatchObject({ path: '/saas/api/v2/user/logout', headers: { icsessionid: SESSION_1 } });
    m.agent.assertNoPendingInterceptors();
  });
});

describe('non-2xx answers become errors whatever the body', () => {
  const cases: Array<[string, number, string]> = [
    ['an empty body', 500, ''],
    ['an HTML page', 502, '<html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['truncated JSON', 403, '{"@type":"error","code":"APP_1'],
    ['JSON that is not an error object', 400, '{"hello":"world"}'],
  ];
  test.each(cases)('%s', async (_, status, body) => {
    setup({ retry: { retries: 0 } });
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', status, body);
    const error = (await client.jobs.start({ taskId: 'T', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsApiError;
    expect(error).toBeInstanceOf(IicsApiError);
    expect(error.code).toBe('IICS_API_ERROR');
    expect(error.status).toBe(status);
    expect(error.message).toContain(`HTTP ${status}`);
  });

  test('v2 error object: code, description and statusCode are kept', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', 403, { '@type': 'error', code: 'REPO_10704', description: 'Task is already running.', statusCode: 403 });
    const error = (await client.jobs.start({ taskId: 'T', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsApiError;
    expect(error).toMatchObject({ code: 'IICS_API_ERROR', status: 403, iicsCode: 'REPO_10704', description: 'Task is already running.', statusCode: 403 });
  });

  test('v3 error object: code, message, requestId and debugMessage are kept', async () => {
    setup({ retry: { retries: 0 } });
    m.allowLogin();
    m.on('POST', '/saas/public/core/v3/lookup', 500, {
      error: { code: 'V3API_X', message: 'Something broke.', requestId: '1ZgzGzVERcWkul7LpTNJIL', debugMessage: 'trace', details: null },
    });
    const error = (await client.tasks.lookup({ path: 'A/B', type: 'MTT' }).catch((e: unknown) => e)) as IicsApiError;
    expect(error).toMatchObject({ status: 500, iicsCode: 'V3API_X', description: 'Something broke.', requestId: '1ZgzGzVERcWkul7LpTNJIL', debugMessage: 'trace' });
    expect(error.message).toContain('1ZgzGzVERcWkul7LpTNJIL');
  });

  test('an unknown task becomes IICS_TASK_NOT_FOUND, keeping the IICS fields', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', 403, { '@type': 'error', code: 'APP_13436', description: 'No object named Nope exists for organization 0119Y4.', statusCode: 403 });
    const error = (await client.jobs.start({ taskName: 'Nope', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsTaskNotFoundError;
    expect(error).toBeInstanceOf(IicsTaskNotFoundError);
    expect(error).toMatchObject({ code: 'IICS_TASK_NOT_FOUND', status: 403, iicsCode: 'APP_13436', task: { taskName: 'Nope', taskType: 'MTT' } });
  });

  test('a 2xx answer that breaks the schema is IICS_INVALID_RESPONSE with the path', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', 200, { taskId: 'T', runId: 'eighteen' });
    const error = (await client.jobs.start({ taskId: 'T', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsInvalidResponseError;
    expect(error).toBeInstanceOf(IicsInvalidResponseError);
    expect(error.schemaPath).toBe('/runId');
    expect(error.message).toContain('/runId');
  });

  test('a 2xx answer that is not JSON is IICS_INVALID_RESPONSE', async () => {
    setup();
    m.allowLogin();
    m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 200, '<html>maintenance</html>');
    const error = await client.jobs.status({ taskId: 'T', runId: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsInvalidResponseError);
  });
});

describe('retries', () => {
  test('a start answered 503 is not sent again', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', 503, { '@type': 'error', code: 'X', description: 'busy', statusCode: 503 });
    const error = await client.jobs.start({ taskId: 'T', taskType: 'MTT' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsApiError);
    expect(m.seen.filter((r) => r.path === '/saas/api/v2/job')).toHaveLength(1);
  });

  test('a start whose connection broke after sending is not sent again', async () => {
    setup();
    m.allowLogin();
    m.pod.intercept({ path: '/saas/api/v2/job', method: 'POST' }).replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    const error = (await client.jobs.start({ taskId: 'T', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsNetworkError;
    expect(error).toBeInstanceOf(IicsNetworkError);
    expect(error.connectFailed).toBe(false);
    m.agent.assertNoPendingInterceptors();
  });

  test('a start whose connection was refused is sent again', async () => {
    setup();
    m.allowLogin();
    m.pod.intercept({ path: '/saas/api/v2/job', method: 'POST' }).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    m.on('POST', '/saas/api/v2/job', 200, START_OK);
    const started = await client.jobs.start({ taskId: START_OK.taskId, taskType: 'MTT' });
    expect(started.runId).toBe(18);
  });

  test('reads retry 429 and 5xx, honouring Retry-After within the cap, then succeed', async () => {
    setup({ retry: { retries: 4, minDelayMs: 1, maxDelayMs: 20 } });
    m.allowLogin();
    m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 429, '', { 'retry-after': '3600' });
    m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 503, '<html>busy</html>');
    m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 200, [
      { '@type': 'activityMonitoryEntry', taskId: 'T', runId: 4, executionState: 'RUNNING', taskName: 'MT_Load', type: 'MTT' },
    ]);
    const status = await client.jobs.status({ taskId: 'T', runId: 4 });
    expect(status).toMatchObject({ state: 'RUNNING', terminal: false, source: 'monitor', taskName: 'MT_Load' });
    expect(m.logs.filter((l) => l.startsWith('warn') && l.includes('retry'))).toHaveLength(2);
  });

  test('reads give up after the configured retries with the last error', async () => {
    setup({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    m.allowLogin();
    for (let i = 0; i < 3; i++) m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 500, '');
    const error = (await client.jobs.status({ taskId: 'T', runId: 1 }).catch((e: unknown) => e)) as IicsApiError;
    expect(error).toBeInstanceOf(IicsApiError);
    expect(error.status).toBe(500);
    m.agent.assertNoPendingInterceptors();
  });
});

describe('status', () => {
  test('an executionState IICS adds later passes through as a string', async () => {
    setup();
    m.allowLogin();
    m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 200, [{ taskId: 'T', runId: 2, executionState: 'SUSPENDED' }]);
    const status = await client.jobs.status({ taskId: 'T', runId: 2 });
    expect(status).toMatchObject({ state: 'SUSPENDED', terminal: false, executionState: 'SUSPENDED' });
  });

  test('a run with the same runId under another task is not mistaken for ours', async () => {
    setup();
    m.allowLogin();
    m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 200, [{ taskId: 'OTHER', runId: 7, executionState: 'RUNNING' }]);
    m.on('GET', '/saas/api/v2/activity/activityLog?runId=7&taskId=MINE', 200, [
      { id: 'L1', objectId: 'OTHER', runId: 7, state: 3 },
      { id: 'L2', objectId: 'MINE', runId: 7, state: 2, startTimeUtc: '2021-09-23T10:52:25.000Z', endTimeUtc: '2021-09-23T10:52:49.000Z' },
    ]);
    const status = await client.jobs.status({ taskId: 'MINE', runId: 7 });
    expect(status).toMatchObject({ state: 'WARNING', terminal: true, source: 'log' });
    expect(status.endedAt?.toISOString()).toBe('2021-09-23T10:52:49.000Z');
  });

  test('a monitor entry marked COMPLETED is settled by the log', async () => {
    setup();
    m.allowLogin();
    m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 200, [{ taskId: 'T', runId: 3, executionState: 'COMPLETED' }]);
    m.on('GET', '/saas/api/v2/activity/activityLog*', 200, [{ id: 'L', objectId: 'T', runId: 3, state: 1 }]);
    expect((await client.jobs.status({ taskId: 'T', runId: 3 })).state).toBe('SUCCESS');
  });
});

describe('requests are written strictly', () => {
  test('parameterFile goes into runtime (mtTaskRuntime) and at the top level; callbackURL keeps its spelling', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', 200, START_OK);
    await client.jobs.start({
      taskId: 'T',
      taskType: 'MTT',
      callbackURL: 'https://hooks.example.com/iics',
      parameterFile: { name: 'p.param', dir: '/opt/params' },
    });
    expect(m.seen[1]!.body).toEqual({
      '@type': 'job',
      taskId: 'T',
      taskType: 'MTT',
      callbackURL: 'https://hooks.example.com/iics',
      runtime: { '@type': 'mtTaskRuntime', parameterFileName: 'p.param', parameterFileDir: '/opt/params' },
      parameterFileName: 'p.param',
      parameterFileDir: '/opt/params',
    });
  });

  test('a task type in any case is taken, as IICS takes it, and sent in upper case', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', 200, START_OK);
    m.on('POST', '/saas/api/v2/job/stop', 200, { '@type': 'success', description: 'The job was stopped.' });
    await client.jobs.start({ taskId: 'T', taskType: 'Workflow' as never });
    await client.jobs.stop({ taskName: 'MT_Load', taskType: 'mtt' as never });
    expect(m.seen[1]!.body).toEqual({ '@type': 'job', taskId: 'T', taskType: 'WORKFLOW' });
    expect(m.seen[2]!.body).toEqual({ '@type': 'job', taskName: 'MT_Load', taskType: 'MTT' });
  });

  test('stop sends cleanStop as the query parameter, never in the body', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job/stop?cleanStop=true', 200, { '@type': 'success', description: 'The job was stopped.' });
    const answer = await client.jobs.stop({ taskName: 'MT_Load', taskType: 'MTT', cleanStop: true });
    expect(answer.description).toBe('The job was stopped.');
    expect(m.seen[1]!.body).toEqual({ '@type': 'job', taskName: 'MT_Load', taskType: 'MTT' });
  });

  test.each([
    [{ taskType: 'MTT' }, 'taskId'],
    [{ taskId: 'a', taskName: 'b', taskType: 'MTT' }, 'taskName'],
    [{ taskId: 'a', taskType: 'TASKFLOW' }, 'taskType'],
    [{ taskId: 'a', taskType: 'mapping' }, 'taskType'],
    [{ taskId: 'a', taskType: 7 }, 'taskType'],
    [{ taskId: 'a', taskType: 'MTT', callbackUrl: 'https://x' }, 'callbackUrl'],
    [{ taskId: 'a', taskType: 'MTT', callbackURL: 'not a url' }, 'callbackURL'],
    [{ taskId: 'a', taskType: 'MTT', callbackURL: 'https://jobs.example.com/a b' }, 'callbackURL'],
    [{ taskId: 'a', taskType: 'MTT', callbackURL: 'ftp://jobs.example.com/cb' }, 'callbackURL'],
    [{ taskId: 'a', taskType: 'MTT', callbackURL: 'https:///cb' }, 'callbackURL'],
    [{ taskId: 'a', taskType: 'MTT', parameterFile: { name: 'p' } }, 'parameterFile.dir'],
    [{ taskId: '', taskType: 'MTT' }, 'taskId'],
  ])('bad start request %j → IICS_INVALID_ARGUMENT naming %s, nothing sent', async (request, field) => {
    setup();
    const error = (await client.jobs.start(request as never).catch((e: unknown) => e)) as IicsInvalidArgumentError;
    expect(error).toBeInstanceOf(IicsInvalidArgumentError);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field.split('.').at(-1));
    expect(m.seen).toHaveLength(0);
  });

  test('lookup answers are cached per path and type', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/public/core/v3/lookup', 200, { objects: [{ id: 'FED1', path: 'Sales/MT_Load', type: 'MTT' }] });
    const a = await client.tasks.lookup({ path: 'Sales/MT_Load', type: 'MTT' });
    const b = await client.tasks.lookup({ path: 'Sales/MT_Load', type: 'mtt' });
    expect(a).toEqual({ id: 'FED1', path: 'Sales/MT_Load', type: 'MTT' });
    expect(b).toBe(a);
    expect(m.seen.filter((r) => r.path.endsWith('/lookup'))).toHaveLength(1);
  });

  test('lookup that finds nothing is IICS_TASK_NOT_FOUND', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/public/core/v3/lookup', 200, { objects: [] });
    const error = await client.tasks.lookup({ path: 'Sales/Nope', type: 'MTT' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsTaskNotFoundError);
  });
});

describe('secrets stay out of sight', () => {
  test('toString, inspect and JSON of the client show neither password nor session id', async () => {
    setup();
    m.allowLogin();
    m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 200, []);
    m.on('GET', '/saas/api/v2/activity/activityLog*', 200, []);
    await client.jobs.status({ taskId: 'T', runId: 1 });
    const views = [String(client), inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client), ...m.logs];
    for (const view of views) {
      expect(view).not.toContain(PASSWORD);
      expect(view).not.toContain(SESSION_1);
    }
    expect(String(client)).toContain('dm-us.mock.test');
  });

  test('a server that echoes the session id in an error description has it redacted', async () => {
    setup();
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', 400, { '@type': 'error', code: 'X', description: `Bad session ${SESSION_1} or password ${PASSWORD}`, statusCode: 400 });
    const error = (await client.jobs.start({ taskId: 'T', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsApiError;
    const text = `${error.message} ${inspect(error)} ${JSON.stringify(error)}`;
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(SESSION_1);
    expect(text).not.toContain(PASSWORD);
  });

  test('a session id longer than a validation message quotes, echoed in a wrong-typed field, is redacted, not cut short', async () => {
    const long = `LONGSESSION${'x7Q2'.repeat(12)}`;
    setup();
    m.allowLogin(long);
    m.on('POST', '/saas/api/v2/job', 200, { '@type': 'job', taskId: 'T', runId: long });
    const error = (await client.jobs.start({ taskId: 'T', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsInvalidResponseError;
    const text = `${error.message} ${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`;
    expect(error).toBeInstanceOf(IicsInvalidResponseError);
    expect(error.schemaPath).toBe('/runId');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(long.slice(0, 16));
  });

  test('a password with runs of whitespace, echoed by an HTML error page, is redacted before the whitespace is collapsed', async () => {
    const password = 'pass  with\ttabs  and "quotes"';
    setup({ password });
    m.allowLogin();
    m.on('POST', '/saas/api/v2/job', 502, `<html><p>proxy saw ${password} and ${JSON.stringify(password)}</p></html>`, { 'content-type': 'text/html' });
    const error = (await client.jobs.start({ taskId: 'T', taskType: 'MTT' }).catch((e: unknown) => e)) as IicsApiError;
    const text = `${error.message} ${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`;
    expect(error.status).toBe(502);
    expect(text).toContain('[redacted]');
    for (const form of [password, password.replace(/\s+/g, ' '), 'with tabs', 'with\\ttabs']) expect(text).not.toContain(form);
  });
});

describe('wait', () => {
  test('not listed yet → QUEUED; monitor → RUNNING; the gap between monitor and log stays RUNNING; log → SUCCESS', async () => {
    setup();
    m.allowLogin();
    const monitor = '/saas/api/v2/activity/activityMonitor?details=true';
    const log = '/saas/api/v2/activity/activityLog?runId=5&taskId=T';
    m.on('GET', monitor, 200, []);
    m.on('GET', log, 200, []);
    m.on('GET', monitor, 200, [{ taskId: 'T', runId: 5, executionState: 'INITIALIZED' }]);
    m.on('GET', monitor, 200, [{ taskId: 'T', runId: 5, executionState: 'RUNNING' }]);
    m.on('GET', monitor, 200, []);
    m.on('GET', log, 200, []);
    m.on('GET', monitor, 200, []);
    m.on('GET', log, 200, [{ id: 'L', objectId: 'T', runId: 5, state: 1, endTimeUtc: '2024-05-01T10:00:00.000Z' }]);
    const seen: string[] = [];
    const final = await client.jobs.wait({ taskId: 'T', runId: 5 }, { pollIntervalMs: 1, onUpdate: (s) => seen.push(`${s.state}/${s.source}`) });
    expect(seen).toEqual(['QUEUED/none', 'QUEUED/monitor', 'RUNNING/monitor', 'RUNNING/none', 'SUCCESS/log']);
    expect(final).toMatchObject({ state: 'SUCCESS', terminal: true });
    m.agent.assertNoPendingInterceptors();
  });

  test('bad wait options are refused before any request', async () => {
    setup();
    await expect(client.jobs.wait({ taskId: 'T', runId: 1 }, { pollIntervalMs: 0 })).rejects.toMatchObject({ code: 'IICS_INVALID_ARGUMENT', field: 'pollIntervalMs' });
    await expect(client.jobs.wait({ taskId: 'T', runId: -1 })).rejects.toMatchObject({ code: 'IICS_INVALID_ARGUMENT', field: 'runId' });
    expect(m.seen).toHaveLength(0);
  });
});
