import { parseObjectsResponse } from '@iics-jobs/schema';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createManualClock, peakConcurrency, startFakeIics, type FakeIics, type FakeTaskDefinition } from '../src/index.js';
import { call, expectV3Error, expectValid, loginV2 } from './helpers.js';

let fake: FakeIics;
let session: string;
const objects = (query: Record<string, string>, target = fake, s = session) =>
  call(target.serverUrl, 'GET', `/public/core/v3/objects?${new URLSearchParams(query)}`, { session: s, sessionHeader: 'INFA-SESSION-ID' });

// 250 mapping tasks in one folder: more than one page of 200.
const many: FakeTaskDefinition[] = Array.from({ length: 250 }, (_, i) => ({ name: `MT_${String(i).padStart(3, '0')}`, type: 'MTT', path: `Bulk/Load/MT_${String(i).padStart(3, '0')}` }));

beforeAll(async () => {
  fake = await startFakeIics({
    tasks: [
      { name: 'MT_Orders', type: 'MTT', path: 'Sales/Nightly/MT_Orders' },
      { name: 'DSS_Orders', type: 'DSS', path: 'Sales/Nightly/DSS_Orders' },
      { name: 'MT_Refunds', type: 'MTT', path: 'Sales/Weekly/MT_Refunds' },
      { name: 'MT_Top', type: 'MTT', path: 'Sales/MT_Top' },
      { name: 'MT_Load', type: 'MTT' },
      ...many,
    ],
  });
  session = (await loginV2(fake)).session;
});
afterAll(() => fake.close());
afterEach(() => expect(fake.violations).toEqual([]));

describe('GET /public/core/v3/objects', () => {
  test("location=='<folder>' lists the assets directly in it, with the fields of a real answer", async () => {
    const answer = await objects({ q: "location=='Sales/Nightly'" });
    expect(answer.status).toBe(200);
    expectValid(parseObjectsResponse, answer.body);
    expect(answer.body.count).toBe(2);
    expect(answer.body.objects.map((o: any) => [o.path, o.type])).toEqual([
      ['Sales/Nightly/DSS_Orders', 'DSS'],
      ['Sales/Nightly/MT_Orders', 'MTT'],
    ]);
    const orders = fake.tasks.find((t) => t.name === 'MT_Orders')!;
    expect(answer.body.objects[1]).toMatchObject({ id: orders.federatedId, description: '', tags: [], sourceControl: null, customAttributes: null });
    expect(answer.body.objects[1].updateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    // A project lists its folders and its own assets, not what the folders hold.
    const project = await objects({ q: "location=='Sales'" });
    expect(project.body.objects.map((o: any) => `${o.type} ${o.path}`)).toEqual(['MTT Sales/MT_Top', 'FOLDER Sales/Nightly', 'FOLDER Sales/Weekly']);
  });

  test("type (== and !=, any case) and location combine with 'and'; the id is the one lookup gives", async () => {
    const mtt = await objects({ q: "type=='mtt' and location=='Sales/Nightly'" });
    expect(mtt.body.objects.map((o: any) => o.path)).toEqual(['Sales/Nightly/MT_Orders']);
    const notMtt = await objects({ q: "location=='Sales/Nightly' AND type!='MTT'" });
    expect(notMtt.body.objects.map((o: any) => o.path)).toEqual(['Sales/Nightly/DSS_Orders']);
    const projects = await objects({ q: 'type==PROJECT' });
    expect(projects.body.objects.map((o: any) => o.path)).toEqual(['Bulk', 'Default', 'Sales']);
    const lookup = await call(fake.serverUrl, 'POST', '/public/core/v3/lookup', { session, body: { objects: [{ path: 'Sales', type: 'PROJECT' }] } });
    expect(projects.body.objects[2].id).toBe(lookup.body.objects[0].id);
  });

  test('updateTime, updatedBy and tag filter too', async () => {
    const old = await objects({ q: "location=='Sales/Nightly' and updateTime<'2999-01-01T00:00:00Z'" });
    expect(old.body.count).toBe(2);
    const future = await objects({ q: "location=='Sales/Nightly' and updateTime=>'2999-01-01T00:00:00Z'" });
    expect(future.body.count).toBe(0);
    const mine = await objects({ q: `location=='Sales/Nightly' and updatedBy=='${fake.credentials.username}'` });
    expect(mine.body.count).toBe(2);
    const tagged = await objects({ q: "location=='Sales/Nightly' and tag=='nightly'" });
    expect(tagged.body.count).toBe(0);
  });

  test('pages of at most 200 with limit and skip; count is the total', async () => {
    const first = await objects({ q: "location=='Bulk/Load'", limit: '200' });
    expect(first.body.count).toBe(250);
    expect(first.body.objects).toHaveLength(200);
    const second = await objects({ q: "location=='Bulk/Load'", limit: '200', skip: '200' });
    expect(second.body.objects).toHaveLength(50);
    const paths = [...first.body.objects, ...second.body.objects].map((o: any) => o.path);
    expect(new Set(paths).size).toBe(250);
    expect(paths[249]).toBe('Bulk/Load/MT_249');
    // Without limit, the answer still holds at most 200.
    expect((await objects({ q: "location=='Bulk/Load'" })).body.objects).toHaveLength(200);
    const small = await objects({ q: "location=='Bulk/Load'", limit: '3', skip: '10' });
    expect(small.body.objects.map((o: any) => o.path)).toEqual(['Bulk/Load/MT_010', 'Bulk/Load/MT_011', 'Bulk/Load/MT_012']);
  });

  test('bad limit, skip or filter: 400 naming it; an unknown location: the real V3API_ObjectsListError_03', async () => {
    const big = await objects({ limit: '201' });
    expectV3Error(big, 400);
    expect(big.body.error.message).toMatch(/limit must be a whole number from 1 to 200/);
    expect((await objects({ skip: '-1' })).body.error.message).toMatch(/skip/);
    const field = await objects({ q: "name=='MT_Orders'" });
    expectV3Error(field, 400);
    expect(field.body.error.message).toMatch(/"name" is not supported/);
    expect((await objects({ q: "location!='Sales'" })).body.error.message).toMatch(/location takes ==, not !=/);
    expect((await objects({ q: "type=='MTT' or type=='DSS'" })).body.error.message).toMatch(/expected "and"/);
    expect((await objects({ q: "type=='MTT" })).body.error.message).toMatch(/needs a value in quotes/);
    const unknown = await objects({ q: "location=='Sales/infapy'" });
    expectV3Error(unknown, 400, 'V3API_ObjectsListError_03');
    expect(unknown.body.error.message).toBe('Invalid query parameter: Unable to find location : Sales/infapy specified.');
  });

  test('needs a session; faults apply to the route by its name "objects"', async () => {
    expectV3Error(await call(fake.serverUrl, 'GET', '/public/core/v3/objects'), 401);
    fake.faults.failNext('objects', 1, 429);
    const limited = await objects({});
    expectV3Error(limited, 429);
    expect(limited.body.error.message).toBe('too many requests');
    expect((await objects({})).status).toBe(200);
    expect(fake.requests.filter((r) => r.route === 'objects').length).toBeGreaterThan(0);
  });
});

describe('objectsRateLimit', () => {
  test('more requests than the limit within the window get 429 "too many requests"; later ones pass again', async () => {
    const clock = createManualClock();
    const limited = await startFakeIics({ clock, objectsRateLimit: { requests: 2, perMs: 60_000 } });
    try {
      const s = (await loginV2(limited)).session;
      expect((await objects({}, limited, s)).status).toBe(200);
      expect((await objects({}, limited, s)).status).toBe(200);
      const third = await objects({}, limited, s);
      expectV3Error(third, 429, 'TOO_MANY_REQUESTS');
      expect(third.body.error.message).toBe('too many requests');
      // Other resources are not limited.
      expect((await call(limited.serverUrl, 'GET', '/api/v2/activity/activityMonitor', { session: s })).status).toBe(200);
      clock.advance(59_999);
      expectV3Error(await objects({}, limited, s), 429);
      clock.advance(1);
      expect((await objects({}, limited, s)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test('bad settings are refused, naming the field', async () => {
    await expect(startFakeIics({ objectsRateLimit: { requests: 0, perMs: 10 } })).rejects.toThrow(/objectsRateLimit.requests/);
    await expect(startFakeIics({ objectsRateLimit: { requests: 1, perMs: -1 } })).rejects.toThrow(/objectsRateLimit.perMs/);
  });
});

describe('peakConcurrency(fake.runs)', () => {
  const run = (startedAt: number, endedAt?: number, parent?: { taskId: string; runId: number }) =>
    ({ taskId: 't', runId: 1, startedAt, ...(endedAt === undefined ? {} : { endedAt }), ...(parent ? { parent } : {}) }) as never;

  test('counts runs active at the same fake instant; back-to-back runs do not overlap; tasks of a taskflow are left out', () => {
    expect(peakConcurrency([])).toEqual({ peak: 0 });
    expect(peakConcurrency([run(0, 10), run(10, 20), run(20, 30)])).toEqual({ peak: 1, at: 0 });
    expect(peakConcurrency([run(0, 10), run(5, 20), run(6, 7), run(15)])).toEqual({ peak: 3, at: 6 });
    expect(peakConcurrency([run(0, 10), run(1, 5, { taskId: 'p', runId: 1 })])).toEqual({ peak: 1, at: 0 });
    expect(peakConcurrency([run(0, 10), run(1, 5, { taskId: 'p', runId: 1 })], { includeChildren: true }).peak).toBe(2);
    expect(peakConcurrency([run(0, 10), run(1, 5)], { filter: (r) => r.startedAt > 0 }).peak).toBe(1);
  });
});
