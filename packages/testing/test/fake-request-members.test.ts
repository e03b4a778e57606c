import { afterEach, describe, expect, test } from 'vitest';
import { createManualClock, startFakeIics, type FakeIics, type StartFakeIicsOptions } from '../src/index.js';
import { createRequestPrinter } from '../src/request-printer.js';
import { call, expectV2Error, expectV3Error, loginV2 } from './helpers.js';

// Point 3 of issue 11: the fake reads requests as the real service does (reference §11).
const fakes: FakeIics[] = [];
afterEach(async () => {
  for (const fake of fakes) expect(fake.violations).toEqual([]);
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function start(options: StartFakeIicsOptions = {}): Promise<{ fake: FakeIics; session: string }> {
  const fake = await startFakeIics({
    clock: createManualClock({ start: Date.parse('2024-07-01T12:00:00Z') }),
    tasks: [
      { name: 'MT_Load', type: 'MTT' },
      { name: 'LT_Flow', type: 'WORKFLOW' },
      { name: 'MT_Sales', type: 'MTT', path: 'Sales/TEST/MT_Sales' },
    ],
    ...options,
  });
  fakes.push(fake);
  return { fake, session: (await loginV2(fake)).session };
}

describe('members of the v2 job object that clients send', () => {
  test.each([false, true])('runId in a start and a stop, callbackURL on a stop: accepted and ignored (strictRequests %s)', async (strictRequests) => {
    const { fake, session } = await start({ strictRequests });
    const taskId = fake.tasks.find((t) => t.name === 'MT_Load')!.id;
    // The body a widely used Java client sends: "runId": 0 in every start and stop.
    const started = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { '@type': 'job', taskId, taskType: 'MTT', runId: 0 } });
    expect(started.status).toBe(200);
    expect(started.body.runId).toBe(1);
    const stopped = await call(fake.serverUrl, 'POST', '/api/v2/job/stop', {
      session,
      body: { '@type': 'job', taskId, taskType: 'MTT', runId: 0, callbackURL: 'https://hooks.example.com/iics' },
    });
    expect(stopped.status).toBe(200);
    expect(fake.runs[0]).toMatchObject({ runId: 1, stoppedBy: fake.credentials.username });
    expect(fake.runs[0]!.callbackURL).toBeUndefined();
    expect(fake.warnings).toEqual([]);
  });
});

describe('other unknown members', () => {
  test('are accepted by default, ignored, and said in fake.warnings and the request record', async () => {
    const { fake, session } = await start();
    const taskId = fake.tasks.find((t) => t.name === 'MT_Load')!.id;
    const started = await call(fake.serverUrl, 'POST', '/api/v2/job', {
      session,
      body: { taskId, taskType: 'MTT', callbackUrl: 'https://hooks.example.com/typo', runtime: { '@type': 'mtTaskRuntime', priority: 2 } },
    });
    expect(started.status).toBe(200);
    // Misspelt, so not a callback URL: a test that looks at the warnings sees why no callback comes.
    expect(fake.runs[0]!.callbackURL).toBeUndefined();
    expect(fake.warnings).toEqual(['POST /saas/api/v2/job: ignored unknown members /callbackUrl, /runtime/priority']);
    expect(fake.requests.at(-1)!.warnings).toEqual(fake.warnings);

    // The documented mistake: cleanStop in the body instead of the query. IICS ignores it, so the stop is not clean.
    const stopped = await call(fake.serverUrl, 'POST', '/api/v2/job/stop', { session, body: { taskId, taskType: 'MTT', cleanStop: true } });
    expect(stopped.status).toBe(200);
    expect(fake.runs[0]!.cleanStop).toBe(false);
    expect(fake.warnings.at(-1)).toBe('POST /saas/api/v2/job/stop: ignored unknown member /cleanStop');

    const found = await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', {
      session,
      sessionHeader: 'INFA-SESSION-ID',
      body: { objects: [{ path: 'Sales/TEST/MT_Sales', type: 'MTT', name: 'MT_Sales' }] },
    });
    expect(found.status).toBe(200);
    expect(found.body.objects[0].path).toBe('Sales/TEST/MT_Sales');
    expect(fake.warnings.at(-1)).toBe('POST /saas/public/core/v3/lookup: ignored unknown member /objects/0/name');

    const login = await call(fake.loginUrl, 'POST', '/ma/api/v2/user/login', { body: { ...fake.credentials, orgId: 'x' } });
    expect(login.status).toBe(200);
    expect(fake.warnings).toHaveLength(4);
  });

  test('a body with other problems is still refused, without a warning', async () => {
    const { fake, session } = await start();
    const answer = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskName: 'MT_Load', priority: 1 } });
    expectV2Error(answer, 400);
    expect(answer.body.description).toMatch(/taskType is required/);
    expect(fake.warnings).toEqual([]);
  });

  test('a body with a great many unknown members: one warning that names ten and counts the rest', async () => {
    const { fake, session } = await start();
    const body: Record<string, unknown> = { taskName: 'MT_Load', taskType: 'MTT' };
    for (let i = 0; i < 500; i++) body[`extra${i}`] = i;
    expect((await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body })).status).toBe(200);
    expect(fake.warnings).toHaveLength(1);
    expect(fake.warnings[0]).toMatch(/ignored unknown members \/extra0, .*\/extra9 and 490 more$/);
  });

  test('with strictRequests: a 400 that names the member, and no warning', async () => {
    const { fake, session } = await start({ strictRequests: true });
    const taskId = fake.tasks.find((t) => t.name === 'MT_Load')!.id;
    const typo = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId, taskType: 'MTT', callbackUrl: 'https://hooks.example.com/x' } });
    expectV2Error(typo, 400);
    expect(typo.body.description).toMatch(/callbackUrl is not a known field/);
    const nested = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskId, taskType: 'MTT', runtime: { priority: 2 } } });
    expectV2Error(nested, 400);
    expect(nested.body.description).toMatch(/\/runtime\/priority/);
    const lookup = await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', {
      session,
      sessionHeader: 'INFA-SESSION-ID',
      body: { objects: [{ path: 'Sales/TEST/MT_Sales', type: 'MTT', name: 'MT_Sales' }] },
    });
    expectV3Error(lookup, 400);
    expect(lookup.body.error.message).toMatch(/name/);
    expect(fake.runs).toEqual([]);
    expect(fake.warnings).toEqual([]);
  });

  test('strictRequests must be a boolean', async () => {
    await expect(startFakeIics({ strictRequests: 'yes' as never })).rejects.toThrow(/strictRequests must be true or false/);
  });

  test('the verbose printer shows the warnings of a request', async () => {
    const { fake, session } = await start();
    const lines: string[] = [];
    const print = createRequestPrinter(fake.requests, (line) => lines.push(line));
    await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskName: 'MT_Load', taskType: 'MTT', priority: 1 } });
    print();
    expect(lines.at(-1)).toMatch(/POST \/saas\/api\/v2\/job 200 warning: POST \/saas\/api\/v2\/job: ignored unknown member \/priority$/);
  });
});

describe('enum values in any case, as the real service reads them', () => {
  test('taskType "Workflow" and "mtt", lookup type "Project" and "mtt"', async () => {
    const { fake, session } = await start({ strictRequests: true });
    expect((await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskName: 'LT_Flow', taskType: 'Workflow' } })).status).toBe(200);
    expect((await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskName: 'MT_Load', taskType: 'mtt' } })).status).toBe(200);
    const found = await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', {
      session,
      sessionHeader: 'INFA-SESSION-ID',
      body: { objects: [{ path: 'Sales', type: 'Project' }, { path: 'Sales/TEST/MT_Sales', type: 'mtt' }] },
    });
    expect(found.status).toBe(200);
    expect(found.body.objects.map((o: { type: string }) => o.type)).toEqual(['PROJECT', 'MTT']);
  });
});

describe('answer shapes the validator found (issue 11, point 7)', () => {
  test('v2 logout: 200 with no body and no JSON content type', async () => {
    const { fake, session } = await start();
    const response = await fetch(`${fake.serverUrl}/api/v2/user/logout`, { method: 'POST', headers: { icSessionId: session } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBeNull();
    expect(await response.text()).toBe('');
  });

  test('the start answer carries no taskFederatedId, even for a start by federated id', async () => {
    const { fake, session } = await start();
    const sales = fake.tasks.find((t) => t.name === 'MT_Sales')!;
    const answer = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskFederatedId: sales.federatedId, taskType: 'MTT' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ taskId: sales.id, runId: 1 });
    expect(answer.body).not.toHaveProperty('taskFederatedId');
  });
});
