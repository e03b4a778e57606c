import { strToU8, zipSync } from 'fflate';
import { afterEach, expect, test } from 'vitest';
import type { IicsClient } from '../src/index.js';
import { mockIics, type MockIics } from './helpers/mock-iics.js';

// Session log answers the fake never sends but a POD or a proxy might: a zip labelled as bytes,
// a broken zip. IICS itself is what is mocked here (undici MockAgent, no network).

let m: MockIics;
let client: IicsClient;
afterEach(async () => {
  await client?.close();
  await m?.agent.close();
});

const ENTRY = { '@type': 'activityLogEntry', id: '0119Y4C1000000000QUY', type: 'MTT', objectId: 'T1', objectName: 'MT_X', runId: 4, state: 3, entries: [] };

function answerLog(body: Buffer, headers: Record<string, string>): void {
  m = mockIics();
  client = m.client({ retry: { retries: 0 } });
  m.allowLogin();
  m.on('GET', '/saas/api/v2/activity/activityLog?taskId=T1&runId=4', 200, [ENTRY]);
  m.pod.intercept({ path: `/saas/api/v2/activity/activityLog/${ENTRY.id}/sessionLog`, method: 'GET' }).reply(200, body, { headers });
}

test('a zip sent as application/octet-stream is still recognised (by its first bytes) and unpacked', async () => {
  answerLog(Buffer.from(zipSync({ 's_mtt_abc_4.log': strToU8('première ligne\nTE_7002 fatal\n') })), { 'content-type': 'application/octet-stream' });
  expect(await client.jobs.log({ taskId: 'T1', runId: 4 })).toEqual({ fileName: 's_mtt_abc_4.log', text: 'première ligne\nTE_7002 fatal\n' });
});

test('a broken zip is IICS_INVALID_RESPONSE naming the resource, not a crash or garbage text', async () => {
  const good = Buffer.from(zipSync({ 'a.log': strToU8('x'.repeat(1000)) }));
  // The local header says deflate (8); this says method 99, which no reader knows.
  good.writeUInt16LE(99, 8);
  answerLog(good, { 'content-type': 'application/zip;charset=UTF-8' });
  const error = await client.jobs.log({ taskId: 'T1', runId: 4 }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'IICS_INVALID_RESPONSE', operation: `GET /api/v2/activity/activityLog/${ENTRY.id}/sessionLog` });
  expect((error as Error).message).toMatch(/zip that could not be read/);
});

test('text: the file name comes from Content-Disposition', async () => {
  answerLog(Buffer.from('line 1\nline 2\n'), { 'content-type': 'text/plain;charset=UTF-8', 'content-disposition': 'attachment; filename="s_mtt_abc_4.log"' });
  expect(await client.jobs.log({ taskId: 'T1', runId: 4 })).toEqual({ fileName: 's_mtt_abc_4.log', text: 'line 1\nline 2\n' });
});
