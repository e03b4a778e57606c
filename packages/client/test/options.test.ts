import { Agent } from 'undici';
import { describe, expect, test } from 'vitest';
import { createIicsClient, IicsInvalidArgumentError } from '../src/index.js';

const base = { loginUrl: 'https://dm-us.informaticacloud.com', username: 'jdoe', password: 'S3cret-pw!' };

function fails(options: unknown): IicsInvalidArgumentError {
  try {
    createIicsClient(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(IicsInvalidArgumentError);
    return error as IicsInvalidArgumentError;
  }
  throw new Error('expected createIicsClient to throw');
}

describe('options are checked at once, with messages that say what to do', () => {
  test.each([
    [{ ...base, loginUrl: undefined }, 'loginUrl', 'dm-us.informaticacloud.com'],
    [{ ...base, loginUrl: 'dm-us.informaticacloud.com' }, 'loginUrl', 'not a URL'],
    [{ ...base, loginUrl: 'https://dm-us.informaticacloud.com/ma' }, 'loginUrl', 'use "https://dm-us.informaticacloud.com"'],
    [{ ...base, loginUrl: 'ftp://dm-us.informaticacloud.com' }, 'loginUrl', 'https'],
    [{ ...base, username: '' }, 'username', 'non-empty'],
    [{ ...base, password: 42 }, 'password', 'non-empty string'],
    [{ ...base, apiVersion: 'v4' }, 'apiVersion', '"v2" or "v3"'],
    [{ ...base, dispatcher: {} }, 'dispatcher', 'undici Dispatcher'],
    [{ ...base, timeouts: { requestMs: 0 } }, 'timeouts.requestMs', 'milliseconds'],
    [{ ...base, timeouts: { request: 5 } }, 'timeouts.request', 'connectMs, requestMs, loginMs'],
    [{ ...base, retry: { retries: -1 } }, 'retry.retries', 'integer'],
    [{ ...base, retry: { minDelayMs: 100, maxDelayMs: 10 } }, 'retry.maxDelayMs', 'must not be below'],
    [{ ...base, logger: { info: 'yes' } }, 'logger.info', 'function'],
    [{ ...base, pasword: 'typo' }, 'pasword', 'Unknown option'],
  ])('%j → %s', (options, field, hint) => {
    const error = fails(options);
    expect(error.field).toBe(field);
    expect(error.message).toContain(hint);
    expect(error.code).toBe('IICS_INVALID_ARGUMENT');
  });

  test('a password never appears in a validation message', () => {
    const long = 'x'.repeat(300);
    expect(fails({ ...base, password: long }).message).not.toContain(long);
    const inUrl = fails({ ...base, loginUrl: 'https://jdoe:Hunter2pw@dm-us.informaticacloud.com' });
    expect(inUrl.message).not.toContain('Hunter2pw');
  });

  test('valid options make a client without sending anything; a given dispatcher is used and not closed', async () => {
    const agent = new Agent();
    const client = createIicsClient({ ...base, apiVersion: 'v3', dispatcher: agent, timeouts: { requestMs: 5000 }, retry: { retries: 0 } });
    expect(client.apiVersion).toBe('v3');
    expect(client.loginUrl).toBe('https://dm-us.informaticacloud.com');
    await client.close();
    expect(agent.closed).toBe(false);
    await expect(client.jobs.status({ taskId: 'T', runId: 1 })).rejects.toMatchObject({ code: 'IICS_CLIENT_CLOSED' });
    await agent.close();
  });
});
