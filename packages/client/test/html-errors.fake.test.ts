import { describe, expect, test } from 'vitest';
import { IicsApiError, isIicsError } from '../src/index.js';
import { clientFor, fake } from './helpers/fake.js';
import { mockIics } from './helpers/mock-iics.js';

// IICS does not always answer errors with JSON: an unknown resource is a 404 HTML page ("Resource not
// found."), a query value it cannot read a non-JSON body. The client's errors must stay typed and readable.

describe('error answers that are HTML pages', () => {
  test.each(['v2', 'v3'] as const)('login (%s) sent to the POD host instead of the login host: IICS_API_ERROR 404 saying "Resource not found."', async (apiVersion) => {
    const server = await fake();
    const pod = new URL(server.serverUrl).origin;
    const { client } = clientFor(server, { loginUrl: pod, apiVersion, retry: { retries: 0 } });
    const error = await client.jobs.start({ taskName: 'MT_Load', taskType: 'MTT' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IicsApiError);
    expect(isIicsError(error, 'IICS_API_ERROR')).toBe(true);
    expect(error).toMatchObject({ status: 404 });
    const { message } = error as Error;
    expect(message).toContain('Resource not found.');
    expect(message).toMatch(/HTTP 404/);
    // Readable: the page's text, not its markup.
    expect(message).not.toMatch(/<|DOCTYPE/);
    expect(server.requests.at(-1)).toMatchObject({ origin: 'pod', status: 404 });
  });

  test('an API call answered 400 with an HTML page: IICS_API_ERROR with its text, not a JSON parse error', async () => {
    const m = mockIics();
    const client = m.client({ retry: { retries: 0 } });
    try {
      m.allowLogin();
      const page = '<!DOCTYPE html><html><head><title>HTTP Status 400</title><style>body{color:red}</style></head><body><h1>HTTP Status 400 &ndash; Bad Request</h1><p>The offset &quot;abc&quot; is not a number.</p></body></html>';
      m.on('GET', '/saas/api/v2/activity/activityMonitor?details=true', 400, page, { 'content-type': 'text/html;charset=utf-8' });
      const error = await client.jobs.status({ taskId: '0119Y40Z00000000001S', runId: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IicsApiError);
      expect(error).toMatchObject({ code: 'IICS_API_ERROR', status: 400, operation: 'GET /api/v2/activity/activityMonitor' });
      expect((error as Error).message).toBe('IICS answered HTTP 400 to GET /api/v2/activity/activityMonitor: HTTP Status 400 – Bad Request The offset "abc" is not a number. (an HTML page)');
      expect((error as Error).message).not.toContain('color:red');
    } finally {
      await client.close();
      await m.agent.close();
    }
  });
});
