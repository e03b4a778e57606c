import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { type CompletionHub, CompletionHubError, createCallbackMiddleware, createCompletionHub } from '../src/index.js';
import { recorder, SAMPLE, startReceiver } from './helpers/app.js';
import { postJson } from './helpers/http.js';
import { sleep, until, type Running } from './helpers/server.js';

const open: Running[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  open.push(r);
  return r;
}

/** 'pending' when the promise has not settled after `ms`: the wait is still going. */
async function stateAfter<T>(promise: Promise<T>, ms = 100): Promise<'pending' | { value: T } | { error: unknown }> {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    sleep(ms).then(() => 'pending' as const),
  ]);
}

const callback = (over: Partial<CallbackUrlResponse> = {}): CallbackUrlResponse => ({ ...SAMPLE, ...over });

/** A real hub whose publishes are counted. */
function countedHub(hub: CompletionHub = createCompletionHub()) {
  const published: CallbackUrlResponse[] = [];
  return {
    hub,
    published,
    counting: {
      publish: (cb: CallbackUrlResponse) => {
        published.push(cb);
        return hub.publish(cb);
      },
    },
  };
}

describe('createCompletionHub() in one process, fed by the middleware over real HTTP', () => {
  test('a callback received before anyone waited ends a later wait at once', async () => {
    const hub = createCompletionHub();
    const r = await receiver({ hub });
    expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(200);
    await expect(hub.waitFor({ taskId: SAMPLE.objectId, runId: SAMPLE.runId })).resolves.toEqual(SAMPLE);
  });

  test('a wait in progress ends when the callback arrives, with the callback as received', async () => {
    const hub = createCompletionHub();
    const r = await receiver({ hub });
    const wait = hub.waitFor({ taskId: SAMPLE.objectId, runId: SAMPLE.runId });
    expect(await stateAfter(wait)).toBe('pending');
    const failed = callback({ status: 'FAILED', extraField: 'kept' } as Partial<CallbackUrlResponse>);
    expect((await postJson(r.callbackUrl, failed)).status).toBe(200);
    await expect(wait).resolves.toEqual(failed);
  });

  test('publishes once per key, after onCallback succeeded: not when it failed, not for duplicates', async () => {
    const { hub, published, counting } = countedHub();
    let fail = true;
    const handler = recorder(() => {
      if (fail) throw new Error('database down');
    });
    const r = await receiver({ onCallback: handler.onCallback, hub: counting });
    const wait = hub.waitFor({ taskId: SAMPLE.objectId, runId: SAMPLE.runId });

    expect((await postJson(r.callbackUrl, SAMPLE)).status).toBe(500);
    expect(published).toEqual([]);
    expect(await stateAfter(wait)).toBe('pending');

    fail = false;
    expect((await postJson(r.callbackUrl, SAMPLE)).json).toMatchObject({ status: 'processed' });
    expect((await postJson(r.callbackUrl, SAMPLE)).json).toMatchObject({ status: 'duplicate' });
    expect((await postJson(r.callbackUrl, SAMPLE)).json).toMatchObject({ status: 'duplicate' });
    await expect(wait).resolves.toEqual(SAMPLE);
    expect(published).toEqual([SAMPLE]);
    expect(handler.calls).toHaveLength(2);
  });

  test('a callback for another task with the same runId ends no wait but its own (runIds count per task)', async () => {
    const hub = createCompletionHub();
    const r = await receiver({ hub });
    const mine = hub.waitFor({ taskId: 'TASK_A_0000000000001', runId: 7 });
    const other = hub.waitFor({ taskId: 'TASK_B_0000000000002', runId: 7 });
    expect((await postJson(r.callbackUrl, callback({ objectId: 'TASK_B_0000000000002', runId: 7 }))).status).toBe(200);
    await expect(other).resolves.toMatchObject({ objectId: 'TASK_B_0000000000002', runId: 7 });
    expect(await stateAfter(mine)).toBe('pending');
    // Nor does another run of the same task.
    expect((await postJson(r.callbackUrl, callback({ objectId: 'TASK_A_0000000000001', runId: 8 }))).status).toBe(200);
    expect(await stateAfter(mine)).toBe('pending');
    expect((await postJson(r.callbackUrl, callback({ objectId: 'TASK_A_0000000000001', runId: 7 }))).status).toBe(200);
    await expect(mine).resolves.toMatchObject({ objectId: 'TASK_A_0000000000001', runId: 7 });
  });

  test('task ids are opaque: ":" and "%" in one do not collide with another', async () => {
    const hub = createCompletionHub();
    const tricky = hub.waitFor({ taskId: 'a:1', runId: 2 });
    await hub.publish(callback({ objectId: 'a', runId: 1 }));
    await hub.publish(callback({ objectId: 'a%3A1', runId: 2 }));
    expect(await stateAfter(tricky)).toBe('pending');
    await hub.publish(callback({ objectId: 'a:1', runId: 2 }));
    await expect(tricky).resolves.toMatchObject({ objectId: 'a:1' });
  });

  test('abort: an aborted wait rejects with the signal reason and a later callback still reaches the others', async () => {
    const hub = createCompletionHub();
    const ref = { taskId: SAMPLE.objectId, runId: SAMPLE.runId };
    const controller = new AbortController();
    const aborted = hub.waitFor(ref, controller.signal);
    const kept = hub.waitFor(ref);
    controller.abort(new Error('user gave up'));
    await expect(aborted).rejects.toThrow('user gave up');
    await expect(hub.waitFor(ref, AbortSignal.abort(new Error('before it began')))).rejects.toThrow('before it began');
    await hub.publish(SAMPLE);
    await expect(kept).resolves.toEqual(SAMPLE);
  });

  test('a callback is remembered for retainMs (default 35 min, past the 30-minute retry window), then forgotten', async () => {
    const shortHub = createCompletionHub({ retainMs: 50 });
    await shortHub.publish(SAMPLE);
    await expect(shortHub.waitFor({ taskId: SAMPLE.objectId, runId: SAMPLE.runId })).resolves.toEqual(SAMPLE);
    await sleep(80);
    expect(await stateAfter(shortHub.waitFor({ taskId: SAMPLE.objectId, runId: SAMPLE.runId }))).toBe('pending');

    // The default keeps it past IICS's 30 minutes (the clock is moved, not waited for).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const hub = createCompletionHub();
      await hub.publish(SAMPLE);
      vi.setSystemTime(Date.now() + 34 * 60_000);
      await expect(hub.waitFor({ taskId: SAMPLE.objectId, runId: SAMPLE.runId })).resolves.toEqual(SAMPLE);
      vi.setSystemTime(Date.now() + 2 * 60_000);
      expect(await stateAfter(hub.waitFor({ taskId: SAMPLE.objectId, runId: SAMPLE.runId }))).toBe('pending');
    } finally {
      vi.useRealTimers();
    }

    // At most maxRemembered, the oldest forgotten first.
    const small = createCompletionHub({ maxRemembered: 2 });
    for (const runId of [1, 2, 3]) await small.publish(callback({ runId }));
    expect(await stateAfter(small.waitFor({ taskId: SAMPLE.objectId, runId: 1 }))).toBe('pending');
    await expect(small.waitFor({ taskId: SAMPLE.objectId, runId: 3 })).resolves.toMatchObject({ runId: 3 });
  });

  test('close() ends pending waits with hub_closed; nothing hangs', async () => {
    const hub = createCompletionHub();
    const wait = hub.waitFor({ taskId: 'T', runId: 1 });
    await hub.close();
    await expect(wait).rejects.toMatchObject({ name: 'CompletionHubError', code: 'hub_closed' });
    await expect(hub.waitFor({ taskId: 'T', runId: 1 })).rejects.toBeInstanceOf(CompletionHubError);
  });

  test('bad input gets an error naming the field', async () => {
    const hub = createCompletionHub();
    await expect(hub.waitFor({ taskId: '', runId: 1 })).rejects.toThrow(/taskId must be a non-empty string/);
    await expect(hub.waitFor({ taskId: 'T', runId: '5' as never })).rejects.toThrow(/runId must be a non-negative integer, got "5"/);
    await expect(hub.publish({ ...SAMPLE, objectId: undefined } as never)).rejects.toThrow(/publish: objectId/);
    expect(() => createCompletionHub({ redis: undefined })).toThrow(/redis is given but empty/);
    expect(() => createCompletionHub({ retainMs: 0 })).toThrow(/retainMs must be a positive number/);
    expect(() => createCompletionHub({ redis: {} as never })).toThrow(/ioredis client \(with call\(\)\) or a node-redis client/);
    expect(() => createCompletionHub({ redisUrl: 'x' } as never)).toThrow(/unknown option "redisUrl"; the options are redis, prefix/);
    expect(() => createCallbackMiddleware({ hub: {} as never })).toThrow(/hub must be a completion hub/);
    expect(() => createCallbackMiddleware({ hub: undefined } as never)).toThrow(/hub must be a completion hub/);
    expect(() => createCallbackMiddleware({} as never)).toThrow(/onCallback must be a function/);
  });

  test('the middleware answers IICS before the hub has finished publishing', async () => {
    let release!: () => void;
    const slow = { publish: () => new Promise<void>((resolve) => (release = resolve)) };
    const r = await receiver({ hub: slow });
    const answer = await postJson(r.callbackUrl, SAMPLE);
    expect(answer.status).toBe(200);
    // drain() waits for the publish too, so a shutdown does not lose it.
    const drained = r.middleware.drain();
    expect(await stateAfter(drained, 50)).toBe('pending');
    await until(() => release !== undefined, 'the publish to start');
    release();
    await expect(drained).resolves.toBe(true);
  });
});
