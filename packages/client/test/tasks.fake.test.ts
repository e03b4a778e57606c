import { describe, expect, test } from 'vitest';
import { IicsInvalidArgumentError, IicsTaskNotFoundError } from '../src/index.js';
import { GRID_PATHS, salesTasks } from './helpers/batch.js';
import { clientFor, count, fake } from './helpers/fake.js';

// tasks.list and tasks.match over real HTTP against the fake's v3 objects resource.

describe('tasks.list (v3 objects)', () => {
  test('follows every page past 200 entries, each listed once', async () => {
    const tasks = Array.from({ length: 450 }, (_, i) => ({ name: `MT_${i}`, type: 'MTT' as const, path: `Bulk/Load/MT_${i}` }));
    const server = await fake({ tasks });
    const { client } = clientFor(server);
    const listed = await client.tasks.list({ folder: 'Bulk/Load', type: 'mtt' });
    expect(listed).toHaveLength(450);
    expect(new Set(listed.map((t) => t.id)).size).toBe(450);
    expect(listed.find((t) => t.path === 'Bulk/Load/MT_449')).toMatchObject({ name: 'MT_449', type: 'MTT', id: server.tasks[449]!.federatedId });
    const pages = server.requests.filter((r) => r.route === 'objects');
    expect(pages.map((r) => [r.query.skip, r.query.limit])).toEqual([['0', '200'], ['200', '200'], ['400', '200']]);
    expect(pages[0]!.query.q).toBe("type=='MTT' and location=='Bulk/Load'");
  });

  test('name keeps only assets of that name; no filter lists the organization, folders included', async () => {
    const server = await fake({ tasks: salesTasks() });
    const { client } = clientFor(server);
    const ones = await client.tasks.list({ name: 'MT_Load_1', type: 'MTT' });
    expect(ones.map((t) => t.path).sort()).toEqual(['Finance/Close/MT_Load_1', 'Sales/East/Archive/MT_Load_1', 'Sales/East/MT_Load_1', 'Sales/North/MT_Load_1', 'Sales/West/MT_Load_1']);
    const all = await client.tasks.list();
    expect(all.filter((t) => t.type === 'FOLDER').map((t) => t.path)).toContain('Sales/East/Archive');
    expect(server.requests.filter((r) => r.route === 'objects').at(-1)!.query.q).toBeUndefined();
  });

  test('a "too many requests" answer is retried, and the listing completes', async () => {
    const server = await fake({ tasks: salesTasks(), objectsRateLimit: { requests: 1, perMs: 60_000 } });
    const { client, logs } = clientFor(server, { retry: { retries: 8, minDelayMs: 10, maxDelayMs: 40 } });
    const [a, b] = await Promise.all([client.tasks.list({ folder: 'Sales/East' }), client.tasks.list({ folder: 'Sales/West' })]);
    expect(a.map((t) => t.name)).toContain('MT_Load_4');
    expect(b.map((t) => t.name)).toContain('MT_Other');
    expect(server.requests.some((r) => r.route === 'objects' && r.status === 429)).toBe(true);
    expect(logs.filter((line) => /objects/.test(line)), logs.join("\n")).not.toEqual([]);
  });

  test('an unknown folder is IICS_TASK_NOT_FOUND naming it; bad filters name the field', async () => {
    const server = await fake({ tasks: salesTasks() });
    const { client } = clientFor(server);
    const error = await client.tasks.list({ folder: 'Sales/Nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsTaskNotFoundError);
    expect((error as IicsTaskNotFoundError).message).toMatch(/"Sales\/Nope"/);
    expect((error as IicsTaskNotFoundError).iicsCode).toBe('V3API_ObjectsListError_03');
    for (const [filter, field] of [[{ folder: '' }, 'folder'], [{ folder: "O'Brien" }, 'folder'], [{ kind: 'MTT' }, 'kind'], [{ folder: '/Sales' }, 'folder']] as const) {
      const bad = await client.tasks.list(filter as never).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(IicsInvalidArgumentError);
      expect((bad as IicsInvalidArgumentError).field).toBe(field);
    }
    expect(count(server, 'objects')).toBe(1);
  });
});

describe('tasks.match', () => {
  test("'*' and '?' stay within one part of the path: Sales/*/MT_Load_? is the 12 tasks of 3 folders", async () => {
    const server = await fake({ tasks: salesTasks() });
    const { client } = clientFor(server);
    const matched = await client.tasks.match('Sales/*/MT_Load_?');
    expect(matched.map((t) => t.path)).toEqual(GRID_PATHS);
    expect(matched[0]).toEqual(expect.objectContaining({ name: 'MT_Load_1', type: 'MTT', id: expect.any(String) }));
    const ids = new Map(server.tasks.map((t) => [t.path, t.federatedId]));
    for (const t of matched) expect(t.id).toBe(ids.get(t.path));

    expect((await client.tasks.match('Sales/East/MT_Load_*')).map((t) => t.path)).toEqual([
      'Sales/East/MT_Load_1', 'Sales/East/MT_Load_10', 'Sales/East/MT_Load_2', 'Sales/East/MT_Load_3', 'Sales/East/MT_Load_4',
    ]);
    // Only the folders the pattern reaches are listed.
    const queries = server.requests.filter((r) => r.route === 'objects').map((r) => r.query.q);
    expect(queries).not.toContain("location=='Finance'");
  });

  test("'**' crosses folders; a type narrows; without one only runnable task types match", async () => {
    const server = await fake({ tasks: salesTasks() });
    const { client } = clientFor(server);
    const below = await client.tasks.match('Sales/**');
    expect(below).toHaveLength(16);
    expect(below.map((t) => t.path)).toContain('Sales/East/Archive/MT_Load_1');
    expect(below.every((t) => t.type !== 'FOLDER')).toBe(true);
    expect((await client.tasks.match('Sales/**', 'DSS')).map((t) => t.path)).toEqual(['Sales/East/DSS_Load_1']);
    expect((await client.tasks.match('**/MT_Load_1')).map((t) => t.path)).toEqual([
      'Finance/Close/MT_Load_1', 'Sales/East/Archive/MT_Load_1', 'Sales/East/MT_Load_1', 'Sales/North/MT_Load_1', 'Sales/West/MT_Load_1',
    ]);
    expect((await client.tasks.match('Sales/**/Archive/*')).map((t) => t.path)).toEqual(['Sales/East/Archive/MT_Load_1']);
    // A path without wildcards matches itself.
    expect((await client.tasks.match('Sales/West/MT_Other')).map((t) => t.name)).toEqual(['MT_Other']);
  });

  test('a pattern that matches nothing is IICS_TASK_NOT_FOUND naming the pattern, not an empty list', async () => {
    const server = await fake({ tasks: salesTasks() });
    const { client } = clientFor(server);
    for (const [pattern, type] of [['Sales/*/MT_Load_?', 'DSS'], ['Nope/*/MT_*', undefined], ['Sales/East/MT_Load_9?', undefined]] as const) {
      const error = await client.tasks.match(pattern, type).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IicsTaskNotFoundError);
      expect((error as IicsTaskNotFoundError).code).toBe('IICS_TASK_NOT_FOUND');
      expect((error as IicsTaskNotFoundError).message).toContain(`"${pattern}"`);
      expect((error as IicsTaskNotFoundError).task.pattern).toBe(pattern);
    }
  });

  test('malformed patterns are refused before any request', async () => {
    const server = await fake({ tasks: salesTasks() });
    const { client } = clientFor(server);
    for (const pattern of ['', '/Sales/*', 'Sales//*', 'Sales/a**', 42]) {
      const error = await client.tasks.match(pattern as string).catch((e: unknown) => e);
      expect(error, String(pattern)).toBeInstanceOf(IicsInvalidArgumentError);
      expect((error as IicsInvalidArgumentError).field).toBe('pattern');
    }
    expect(count(server, 'objects')).toBe(0);
  });
});
