import type { FakeIngestionOptions } from './types.js';

const KEYS = ['runIdKey', 'runIdType', 'firstRunId'];

/** Checks `startFakeIics({ fileIngestion })`; a TypeError names the bad field. */
export function checkIngestionOptions(value: FakeIngestionOptions | undefined): Required<FakeIngestionOptions> {
  const o = value ?? {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new TypeError('fileIngestion must be an object: { runIdKey?, runIdType?, firstRunId? }');
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key)) throw new TypeError(`fileIngestion.${key} is not an option (the options are ${KEYS.join(', ')})`);
  }
  const { runIdKey = 'runId', runIdType = 'string', firstRunId = '1' } = o;
  if (runIdKey !== 'runId' && runIdKey !== 'RunId') throw new TypeError(`fileIngestion.runIdKey must be "runId" or "RunId", got ${JSON.stringify(runIdKey)}`);
  if (runIdType !== 'string' && runIdType !== 'number') throw new TypeError(`fileIngestion.runIdType must be "string" or "number", got ${JSON.stringify(runIdType)}`);
  if (typeof firstRunId !== 'string' || !/^[1-9]\d{0,39}$/.test(firstRunId)) {
    throw new TypeError(`fileIngestion.firstRunId must be a string of digits without a leading 0, such as "9007199254740993", got ${JSON.stringify(firstRunId)}`);
  }
  return { runIdKey, runIdType, firstRunId };
}
