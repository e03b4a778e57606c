import type {
  ActivityLogEntry,
  ActivityLogEntryDetail,
  ActivityMonitorEntry,
  CallbackUrlResponse,
  JobRequest,
  JobResponse,
  JobStopRequest,
  LoginV2Request,
  LoginV2Response,
  LoginV3Request,
  LoginV3Response,
  LookupRequest,
  LookupResponse,
  ObjectsResponse,
  SuccessResponse,
  V2Error,
  V3Error,
} from '@iics-jobs/schema';

/** Overrides for a fixture: nested objects are merged, arrays replaced, and a key set to `undefined` is removed. */
export type FixtureOverrides<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: FixtureOverrides<T[K]> | undefined } & Record<string, unknown>
    : T;

export type FixtureBuilder<T> = (overrides?: FixtureOverrides<T>) => T;

// The values below come from real IICS traffic (an org on pod na1.dm-us, September 2021), with
// names and ids replaced: 20-character v2 ids, 22-character federated ids, Eastern `startTime`
// with the false `Z` four hours behind `startTimeUtc` (EDT).
const ORG_ID = '0119Y4';
const ORG_UUID = 'fg1dzqDZ1K3lbHp8uq5vQB';
const TASK_ID = '0119Y40Z00000000002H';
const TASK_FEDERATED_ID = '6OZL5GLp1wckJzwhTG30kD';
const TASK_NAME = 'MT_Load';
const AGENT_ID = '0119Y40800000000000A';
const RUNTIME_ENVIRONMENT_ID = '0119Y425000000000003';
const SERVER_URL = 'https://na1.dm-us.informaticacloud.com/saas';
const SESSION_ID = '6ccehjJq2EtlatoYckfygD';

const callbackUrlResponseBase: CallbackUrlResponse = {
  '@type': 'callbackUrlResponse',
  endTime: '2021-09-23T06:52:49.000Z',
  objectId: TASK_ID,
  objectName: TASK_NAME,
  runId: 4,
  status: 'COMPLETED',
};

const jobRequestBase: JobRequest = {
  '@type': 'job',
  taskId: TASK_ID,
  taskType: 'MTT',
};

const jobStopRequestBase: JobStopRequest = {
  '@type': 'job',
  taskId: TASK_ID,
  taskType: 'MTT',
};

const jobResponseBase: JobResponse = {
  '@type': 'job',
  taskId: TASK_ID,
  taskType: 'MTT',
  runId: 4,
  taskName: TASK_NAME,
  runInParallel: false,
};

const activityMonitorEntryBase: ActivityMonitorEntry = {
  '@type': 'activityMonitoryEntry',
  id: '0119Y40E000000000Q39',
  type: 'MTT',
  taskId: TASK_ID,
  taskName: TASK_NAME,
  objectName: '',
  runId: 4,
  startTime: '2021-09-23T06:52:25.000Z',
  executionState: 'RUNNING',
  failedSourceRows: 0,
  successSourceRows: 0,
  failedTargetRows: 0,
  successTargetRows: 0,
  entries: [],
  agentId: AGENT_ID,
  startedBy: 'jdoe@example.com',
  runContextType: 'REST-API',
  runtimeEnvironmentId: RUNTIME_ENVIRONMENT_ID,
};

const activityLogEntryBase: ActivityLogEntry = {
  '@type': 'activityLogEntry',
  id: '0119Y4C1000000000QUY',
  type: 'MTT',
  objectId: TASK_ID,
  objectName: TASK_NAME,
  runId: 4,
  startTime: '2021-09-23T06:52:25.000Z',
  endTime: '2021-09-23T06:52:49.000Z',
  startTimeUtc: '2021-09-23T10:52:25.000Z',
  endTimeUtc: '2021-09-23T10:52:49.000Z',
  state: 1,
  failedSourceRows: 0,
  successSourceRows: 3,
  failedTargetRows: 0,
  successTargetRows: 3,
  startedBy: 'jdoe@example.com',
  runContextType: 'REST-API',
  entries: [
    {
      '@type': 'activityLogEntry',
      id: '2753124997',
      type: 'MTT',
      objectName: '',
      runId: 4,
      agentId: AGENT_ID,
      runtimeEnvironmentId: RUNTIME_ENVIRONMENT_ID,
      startTime: '2021-09-23T06:52:25.000Z',
      endTime: '2021-09-23T06:52:49.000Z',
      startTimeUtc: '2021-09-23T10:52:25.000Z',
      endTimeUtc: '2021-09-23T10:52:49.000Z',
      state: 1,
      failedSourceRows: 0,
      successSourceRows: 3,
      failedTargetRows: 0,
      successTargetRows: 3,
      errorMsg: 'No errors encountered.',
      startedBy: 'jdoe@example.com',
      runContextType: 'REST-API',
      entries: [],
      subTaskEntries: [],
      logEntryItemAttrs: {
        CONSUMED_COMPUTE_UNITS: '0.0',
        ERROR_CODE: '0',
        IS_SERVER_LESS: 'false',
        REQUESTED_COMPUTE_UNITS: '0.0',
        'Session Log File Name': `s_mtt_${TASK_FEDERATED_ID}_4.log`,
      },
      sessionVariables: {},
      totalSuccessRows: 0,
      totalFailedRows: 0,
      stopOnError: false,
      hasStopOnErrorRecord: false,
      contextExternalId: TASK_ID,
      transformationEntries: [
        { '@type': 'transformationLogEntry', id: '5562676444', txName: 'Source', txType: 'SOURCE', successRows: 3, failedRows: 0 },
        { '@type': 'transformationLogEntry', id: '5562676445', txName: 'Target', txType: 'TARGET', successRows: 3, failedRows: 0 },
      ],
    },
  ],
  totalSuccessRows: 0,
  totalFailedRows: 0,
  stopOnError: false,
  hasStopOnErrorRecord: false,
};

// `GET /activityLog/{id}`: the same run by its id, in the real answer's shape (not the list's).
const activityLogEntryDetailBase: ActivityLogEntryDetail = {
  '@type': 'activityLogEntry',
  id: '0119Y4C1000000000QUY',
  type: 'MTT',
  objectId: TASK_ID,
  objectName: TASK_NAME,
  runId: 4,
  startTime: '2021-09-23T06:52:25.000Z',
  endTime: '2021-09-23T06:52:49.000Z',
  startTimeUtc: '2021-09-23T10:52:25.000Z',
  endTimeUtc: '2021-09-23T10:52:49.000Z',
  state: 1,
  failedSourceRows: 0,
  successSourceRows: 3,
  failedTargetRows: 0,
  successTargetRows: 3,
  startedBy: 'jdoe@example.com',
  runContextType: 'REST-API',
  orgId: ORG_ID,
  totalSuccessRows: 0,
  totalFailedRows: 0,
  stopOnError: false,
  hasStopOnErrorRecord: false,
  items: [
    {
      '@type': 'activityLogEntryItem',
      id: '2753124997',
      type: 'MTT',
      objectId: TASK_ID,
      objectName: '',
      runId: 4,
      agentId: AGENT_ID,
      runtimeEnvironmentId: RUNTIME_ENVIRONMENT_ID,
      startTime: '2021-09-23T06:52:25.000Z',
      endTime: '2021-09-23T06:52:49.000Z',
      state: 1,
      errorMsg: 'No errors encountered.',
      logEntryItemAttrs: {
        CONSUMED_COMPUTE_UNITS: '0.0',
        ERROR_CODE: '0',
        IS_SERVER_LESS: 'false',
        REQUESTED_COMPUTE_UNITS: '0.0',
        'Session Log File Name': `s_mtt_${TASK_FEDERATED_ID}_4.log`,
      },
      startedBy: 'jdoe@example.com',
      runContextType: 'REST-API',
      children: [],
      transformationEntries: [
        { '@type': 'transformationLogEntry', id: '5562676444', txName: 'Source', txType: 'SOURCE', successRows: 3, failedRows: 0 },
        { '@type': 'transformationLogEntry', id: '5562676445', txName: 'Target', txType: 'TARGET', successRows: 3, failedRows: 0 },
      ],
      sequenceValues: [],
      inOutParameterValues: [],
    },
  ],
};

const v2ErrorBase: V2Error = {
  '@type': 'error',
  code: 'UI_10000',
  description: 'User name or password is not valid.',
  statusCode: 403,
};

const v3ErrorBase: V3Error = {
  error: {
    code: 'IDS_085',
    message: 'User name or password is not valid.',
    requestId: '9hr8e2ObIcChbwYftgDui7',
    details: null,
  },
};

const loginV2RequestBase: LoginV2Request = { '@type': 'login', username: 'jdoe@example.com', password: 'fake-password' };
const loginV3RequestBase: LoginV3Request = { username: 'jdoe@example.com', password: 'fake-password' };

const loginV2ResponseBase: LoginV2Response = {
  id: '0119Y403000000000002',
  orgId: ORG_ID,
  orgUuid: ORG_UUID,
  name: 'jdoe@example.com',
  description: '',
  createTime: '2021-02-01T11:23:40.000Z',
  updateTime: '2021-08-05T14:37:49.000Z',
  createdBy: 'admin_NA1',
  updatedBy: 'jdoe@example.com',
  sfUsername: null,
  firstName: 'Jane',
  lastName: 'Doe',
  title: 'Engineer',
  password: '********',
  phone: '555-0100',
  emails: 'jdoe@example.com',
  timezone: null,
  serverUrl: SERVER_URL,
  icSessionId: SESSION_ID,
  uuid: '42szaouMf0bg0yycPME0Up',
  forceChangePassword: false,
  roles: [{ name: 'Admin', description: 'Role for performing administrative tasks for an organization.' }],
  usergroups: [],
  spiUrl: 'https://na1.ai.dm-us.informaticacloud.com',
};

const loginV3ResponseBase: LoginV3Response = {
  products: [{ name: 'Integration Cloud', baseApiUrl: SERVER_URL }],
  userInfo: {
    sessionId: SESSION_ID,
    id: '9L1GFroXSDHe2IIg7QhBaT',
    name: 'jdoe@example.com',
    parentOrgId: '52ZSTB0IDK6dXxaEQLUaQu',
    orgId: ORG_UUID,
    orgName: 'Example_Org',
    groups: {},
    status: 'Active',
  },
};

const lookupRequestBase: LookupRequest = { objects: [{ path: 'Default/MT_Load', type: 'MTT' }] };

const lookupResponseBase: LookupResponse = {
  objects: [
    {
      id: TASK_FEDERATED_ID,
      path: 'Default/MT_Load',
      type: 'MTT',
      description: '',
      updatedBy: 'jdoe@example.com',
      updateTime: '2021-08-03T18:59:52Z',
    },
  ],
};

const objectsResponseBase: ObjectsResponse = {
  count: 1,
  objects: [
    {
      id: TASK_FEDERATED_ID,
      path: 'Default/MT_Load',
      type: 'MTT',
      description: '',
      updatedBy: 'jdoe@example.com',
      updateTime: '2021-09-22T06:12:32Z',
      tags: [],
      sourceControl: null,
      customAttributes: null,
    },
  ],
};

const successResponseBase: SuccessResponse = {
  '@type': 'success',
  description: 'The job was stopped by user jdoe@example.com using the API.',
};

const docCallbackSample: CallbackUrlResponse = deepFreeze({
  '@type': 'callbackUrlResponse',
  endTime: '2013-02-27T18:57:52.000Z',
  objectId: '0034J90000000M',
  objectName: 'taskName',
  runId: 5,
  status: 'COMPLETED',
});

function builder<T>(base: T): FixtureBuilder<T> {
  return (overrides) => mergeFixture(base, overrides) as T;
}

/**
 * Typed builders for every IICS payload. Each call returns a fresh object that is valid against
 * @iics-jobs/schema unless the overrides make it invalid (on purpose, for a negative test).
 */
export const fixtures = {
  callbackUrlResponse: builder(callbackUrlResponseBase),
  jobRequest: builder(jobRequestBase),
  jobStopRequest: builder(jobStopRequestBase),
  jobResponse: builder(jobResponseBase),
  activityMonitorEntry: builder(activityMonitorEntryBase),
  activityLogEntry: builder(activityLogEntryBase),
  /** The same run as `GET /activityLog/{id}` answers it: `orgId`, and `items` of activityLogEntryItems. */
  activityLogEntryDetail: builder(activityLogEntryDetailBase),
  v2Error: builder(v2ErrorBase),
  v3Error: builder(v3ErrorBase),
  loginV2Request: builder(loginV2RequestBase),
  loginV3Request: builder(loginV3RequestBase),
  loginV2Response: builder(loginV2ResponseBase),
  loginV3Response: builder(loginV3ResponseBase),
  lookupRequest: builder(lookupRequestBase),
  lookupResponse: builder(lookupResponseBase),
  objectsResponse: builder(objectsResponseBase),
  successResponse: builder(successResponseBase),
  /** The callback body exactly as Informatica's documentation prints it (frozen). */
  docCallbackSample,
} as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function mergeFixture(base: unknown, overrides: unknown): unknown {
  const result = structuredClone(base);
  if (overrides === undefined) return result;
  if (!isPlainObject(overrides)) throw new TypeError('fixture overrides must be a plain object');
  return mergeInto(result as Record<string, unknown>, overrides);
}

function mergeInto(target: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(overrides)) {
    // Keys that could reach a prototype are refused here (stricter than the schema parsers, which refuse only __proto__).
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new TypeError(`fixture overrides may not contain the key "${key}"`);
    }
    if (value === undefined) delete target[key];
    else if (isPlainObject(value) && isPlainObject(target[key])) mergeInto(target[key] as Record<string, unknown>, value);
    else target[key] = structuredClone(value);
  }
  return target;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
