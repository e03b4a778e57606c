import { parseLookupResponse } from '@iics-jobs/schema';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startFakeIics, type FakeIics } from '../src/index.js';
import { call, expectV3Error, expectValid, loginV2 } from './helpers.js';

let fake: FakeIics;
let session: string;
const lookup = (body: unknown, target = fake) => call(target.serverUrl, 'POST', '/public/core/v3/lookup', { session, sessionHeader: 'INFA-SESSION-ID', body });

beforeAll(async () => {
  fake = await startFakeIics({
    tasks: [
      { name: 'MTT_MappingTask6', type: 'MTT', path: 'Sales/TEST/MTT_MappingTask6' },
      { name: 'Synchronization Task1', type: 'DSS' },
    ],
  });
  session = (await loginV2(fake)).session;
});
afterAll(() => fake.close());
afterEach(() => expect(fake.violations).toEqual([]));

describe('POST /public/core/v3/lookup', () => {
  test('resolves a path and type (type in any case) to the federated id, and an id back to the path', async () => {
    const task = fake.tasks[0]!;
    const answer = await lookup({ objects: [{ path: 'Sales/TEST/MTT_MappingTask6', type: 'mtt' }] });
    expect(answer.status).toBe(200);
    expectValid(parseLookupResponse, answer.body);
    expect(answer.body.objects).toHaveLength(1);
    expect(answer.body.objects[0]).toMatchObject({ id: task.federatedId, path: 'Sales/TEST/MTT_MappingTask6', type: 'MTT', description: '' });
    expect(answer.body.objects[0].updateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    const byId = await lookup({ objects: [{ id: task.federatedId }, { path: 'Default/Synchronization Task1', type: 'DSS' }] });
    expect(byId.body.objects.map((o: any) => o.path)).toEqual(['Sales/TEST/MTT_MappingTask6', 'Default/Synchronization Task1']);

    // The id it gives starts the task, wherever it is.
    const started = await call(fake.serverUrl, 'POST', '/api/v2/job', { session, body: { taskFederatedId: answer.body.objects[0].id, taskType: 'MTT' } });
    expect(started.status).toBe(200);
    expect(started.body.taskId).toBe(task.id);
  });

  test('projects and folders have ids too, the same on every lookup', async () => {
    const answer = await lookup({ objects: [{ path: 'Sales', type: 'Project' }, { path: 'Sales/TEST', type: 'Folder' }] });
    expect(answer.body.objects.map((o: any) => o.type)).toEqual(['PROJECT', 'FOLDER']);
    const again = await lookup({ objects: [{ path: 'Sales', type: 'PROJECT' }] });
    expect(again.body.objects[0].id).toBe(answer.body.objects[0].id);
    expect(again.body.objects[0].id).toHaveLength(22);
  });

  test('an unknown path or id is a 404 v3 error by default, or left out with lookupMissing: "omit"', async () => {
    const missing = await lookup({ objects: [{ path: 'Sales/TEST/Nope', type: 'MTT' }] });
    expectV3Error(missing, 404);
    expect(missing.body.error.message).toMatch(/Sales\/TEST\/Nope/);
    expectV3Error(await lookup({ objects: [{ id: 'aaaaaaaaaaaaaaaaaaaaaa' }] }), 404);

    const omitting = await startFakeIics({ lookupMissing: 'omit' });
    try {
      const s = (await loginV2(omitting)).session;
      const answer = await call(omitting.serverUrl, 'POST', '/public/core/v3/lookup', {
        session: s,
        body: { objects: [{ path: 'Default/MT_Load', type: 'MTT' }, { path: 'X/Y', type: 'MTT' }] },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.objects.map((o: any) => o.path)).toEqual(['Default/MT_Load']);
    } finally {
      await omitting.close();
    }
  });

  test('malformed requests: 400 with a v3 error object naming the problem', async () => {
    expectV3Error(await lookup({ objects: [] }), 400);
    expectV3Error(await lookup({}), 400);
    const noType = await lookup({ objects: [{ path: 'Default/X' }] });
    expectV3Error(noType, 400);
    expect(noType.body.error.message).toMatch(/objects\/0: one of id, or path with type is required \(path needs type\)/);
    // The spec's oneOf: an id beside a path with its type names the object twice; a type beside an id is allowed.
    const twice = await lookup({ objects: [{ id: 'x', path: 'Default/X', type: 'MTT' }] });
    expectV3Error(twice, 400);
    expect(twice.body.error.message).toMatch(/objects\/0: only one of id, or path with type may be given/);
    expect((await lookup({ objects: [{ id: fake.tasks[0]!.federatedId, type: 'MTT' }] })).status).toBe(200);
    // An unknown member is ignored (see fake-request-members.test.ts): the id is what is missing.
    expectV3Error(await lookup({ objects: [{ id: 'x', name: 'y' }] }), 404);
  });
});
