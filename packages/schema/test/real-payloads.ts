// Payloads as IICS sent them (reference/iics-jobs-api.md: captured traffic of a 2021 org, and the documentation's samples).

/** The documentation's callback sample, written as JSON. */
export const docCallback = {
  '@type': 'callbackUrlResponse',
  endTime: '2013-02-27T18:57:52.000Z',
  objectId: '0034J90000000M',
  objectName: 'taskName',
  runId: 5,
  status: 'COMPLETED',
};

export const realLoginV2 = {
  id: '015ZHE03000000000002', orgId: '015ZHE', orgUuid: 'fg1dzqDZ1K3lbHp8uq5vQB',
  name: 'jdoe', description: '',
  createTime: '2021-02-01T11:23:40.000Z', updateTime: '2021-08-05T14:37:49.000Z',
  createdBy: 'admin_NA1', updatedBy: 'jdoe', sfUsername: null,
  firstName: 'Jane', lastName: 'Doe', title: 'Engineer',
  password: '********', phone: '555-0100', emails: 'jdoe@example.com', timezone: null,
  serverUrl: 'https://na1.dm-us.informaticacloud.com/saas',
  icSessionId: '6ccehjJq2EtlatoYckfygD',
  securityQuestion: 'pet', securityAnswer: '********',
  uuid: '42szaouMf0bg0yycPME0Up', forceChangePassword: false,
  roles: [{ name: 'Admin', description: 'Organization administrator' }],
  usergroups: [{ id: 'l9wuBUnuoCFdbrJyA1nJa5', orgId: '015ZHE', name: 'admin-test-group' }],
  spiUrl: 'https://na1.ai.dm-us.informaticacloud.com',
};

export const realLoginV3 = {
  products: [{ name: 'Integration Cloud', baseApiUrl: 'https://pod.clouddev.informaticacloud.com/saas' }],
  userInfo: {
    sessionId: '9KA11tLGqxVcGeul8SQBK3', id: '9L1GFroXSDHe2IIg7QhBaT', name: 'user',
    parentOrgId: '52ZSTB0IDK6dXxaEQLUaQu', orgId: '0cuQSDTq5sikvN7x8r1xm1',
    orgName: 'MyOrg_INFA', groups: { 'admin-test-group': 'l9wuBUnuoCFdbrJyA1nJa5' }, status: 'Active',
  },
};

export const realJobStart = {
  '@type': 'job', taskId: '0119Y40Z00000000001S', taskType: 'MTT', runId: 18,
  taskName: 'MT_Warning', runInParallel: false,
};

export const realStopSuccess = { '@type': 'success', description: 'The job was stopped by user admin000001 using the API.' };

export const realMonitor = [
  {
    '@type': 'activityMonitoryEntry', id: '0119Y40E000000000Q38', type: 'WORKFLOW',
    taskId: '0119Y40N000000000004', taskName: 'LT-Warning', objectName: '', runId: 6,
    startTime: '2021-09-23T07:38:24.000Z', executionState: 'RUNNING',
    failedSourceRows: 0, successSourceRows: 0, failedTargetRows: 0, successTargetRows: 0,
    entries: [
      {
        '@type': 'activityMonitoryEntry', id: '0119Y40E000000000Q39', type: 'MTT',
        taskId: '0119Y40Z00000000001S', taskName: 'MT_Warning', objectName: '', runId: 14,
        startTime: '2021-09-23T07:38:24.000Z', executionState: 'RUNNING',
        failedSourceRows: 0, successSourceRows: 0, failedTargetRows: 0, successTargetRows: 0,
        entries: [], agentId: '0119Y40800000000000A', startedBy: 'admin000001',
        runContextType: 'ICS_UI', runtimeEnvironmentId: '0119Y425000000000003',
      },
    ],
    startedBy: 'admin000001', runContextType: 'ICS_UI',
  },
];

export const realLogEntry = {
  '@type': 'activityLogEntry', id: '0119Y4C1000000000QUY', type: 'MTT',
  objectId: '0119Y40Z00000000002H', objectName: 'RR_03190675', runId: 4,
  startTime: '2021-09-23T06:52:25.000Z', endTime: '2021-09-23T06:52:49.000Z',
  startTimeUtc: '2021-09-23T10:52:25.000Z', endTimeUtc: '2021-09-23T10:52:49.000Z',
  state: 1, failedSourceRows: 0, successSourceRows: 3, failedTargetRows: 0, successTargetRows: 3,
  startedBy: 'admin000001', runContextType: 'ICS_UI',
  entries: [
    {
      '@type': 'activityLogEntry', id: '2753124997', type: 'MTT', objectName: '', runId: 4,
      agentId: '0119Y40800000000000A', runtimeEnvironmentId: '0119Y425000000000003',
      startTime: '2021-09-23T06:52:25.000Z', endTime: '2021-09-23T06:52:49.000Z',
      startTimeUtc: '2021-09-23T10:52:25.000Z', endTimeUtc: '2021-09-23T10:52:49.000Z',
      state: 1, failedSourceRows: 0, successSourceRows: 3, failedTargetRows: 0, successTargetRows: 3,
      errorMsg: 'No errors encountered.', startedBy: 'admin000001', runContextType: 'ICS_UI',
      entries: [], subTaskEntries: [],
      logEntryItemAttrs: {
        CONSUMED_COMPUTE_UNITS: '0.0', ERROR_CODE: '0', IS_SERVER_LESS: 'false',
        REQUESTED_COMPUTE_UNITS: '0.0', 'Session Log File Name': 's_mtt_iwiuj5RmqEzjh5q1p9VzKL_4.log',
      },
      sessionVariables: {}, totalSuccessRows: 0, totalFailedRows: 0,
      stopOnError: false, hasStopOnErrorRecord: false, contextExternalId: '0119Y40Z00000000002H',
      transformationEntries: [
        { '@type': 'transformationLogEntry', id: '5562676444', txName: 'Source', txType: 'SOURCE', successRows: 3, failedRows: 0 },
      ],
    },
  ],
  totalSuccessRows: 0, totalFailedRows: 0, stopOnError: false, hasStopOnErrorRecord: false,
};

/** `GET /activityLog/{id}` (reference §11, names sanitized): items are activityLogEntryItems, the top level has orgId. */
export const realLogEntryById = {
  '@type': 'activityLogEntry', id: '0119Y4C1000000000QEH', type: 'MTT', objectId: '0119Y40Z00000000001S',
  objectName: 'MT_Warning', runId: 6, startTime: '2021-09-23T03:01:16.000Z', endTime: '2021-09-23T03:01:46.000Z',
  startTimeUtc: '2021-09-23T07:01:16.000Z', endTimeUtc: '2021-09-23T07:01:46.000Z', state: 2,
  failedSourceRows: 0, successSourceRows: 4, failedTargetRows: 4, successTargetRows: 0,
  startedBy: 'user_example', runContextType: 'ICS_UI', orgId: '0119Y4', totalSuccessRows: 0,
  totalFailedRows: 4, stopOnError: false, hasStopOnErrorRecord: true,
  items: [
    {
      '@type': 'activityLogEntryItem', id: '2752250614', type: 'MTT', objectId: '0119Y40Z00000000001S',
      objectName: '', runId: 6, agentId: '0119Y40800000000000A', runtimeEnvironmentId: '0119Y425000000000003',
      startTime: '2021-09-23T03:01:16.000Z', endTime: '2021-09-23T03:01:46.000Z', state: 2,
      errorMsg: 'WRT_8229 Database errors occurred: \nFnName: Execute -- [Informatica][ODBC Oracle Wire Protocol driver][Oracle]ORA-00001: unique constraint (APP.MULTIPK_PK) violated',
      logEntryItemAttrs: {
        CONSUMED_COMPUTE_UNITS: '0.0', ERROR_CODE: '8229', IS_SERVER_LESS: 'false',
        REQUESTED_COMPUTE_UNITS: '0.0', 'Session Log File Name': 's_mtt_8aA3LJ2OM7fkgCNryvrpCf_6.log',
      },
      startedBy: 'user_example', runContextType: 'ICS_UI', children: [],
      transformationEntries: [
        { '@type': 'transformationLogEntry', id: '5560747582', txName: 'Source', txType: 'SOURCE', successRows: 4, failedRows: 0 },
        { '@type': 'transformationLogEntry', id: '5560747585', txName: 'MULTIPK', txType: 'TARGET', successRows: 0, failedRows: 4 },
      ],
      sequenceValues: [], inOutParameterValues: [],
    },
  ],
};

export const realLookupRequest = { objects: [{ path: 'Sales/TEST/MTT_MappingTask6', type: 'MTT' }] };
export const realLookupResponse = {
  objects: [
    { id: '6OZL5GLp1wckJzwhTG30kD', path: 'Sales/TEST/MTT_MappingTask6', type: 'MTT', description: '', updatedBy: 'jdoe', updateTime: '2021-08-03T18:59:52Z' },
  ],
};

// GET .../public/core/v3/objects?q=location=='Sales/infapy'&limit=200 [REAL-infapy]
export const realObjectsResponse = {
  count: 2,
  objects: [
    { id: '7crvKu3ii5xhXAx4ej1CyR', path: 'Sales/infapy/m_requestBin_restV2_test', type: 'DTEMPLATE', description: '', updatedBy: 'jdoe',
      updateTime: '2021-09-22T06:12:32Z', tags: [], sourceControl: null, customAttributes: null },
    // The log shows only these fields of the second asset.
    { id: '2xVmnlL2dGzbzaSMNETkKt', path: 'Sales/infapy/mt_requestBin_restV2_test', type: 'MTT' },
  ],
};

export const realV2Error = { '@type': 'error', code: 'APP_13404', description: 'Object identifier is invalid or missing, property is (taskId)', statusCode: 403 };
export const docV2Error = { code: 'UI_10000', description: 'User name or password is not valid.', statusCode: 403, '@type': 'error' };
export const docV3Error = { error: { code: 'IDS_085', message: 'User name or password is not valid.', requestId: '9hr8e2ObIcChbwYftgDui7', details: null } };
export const realV3Error = {
  error: {
    code: 'V3API_ObjectsListError_03', message: 'Invalid query parameter: Unable to find location : Sales/infapy specified.',
    debugMessage: 'Invalid query parameter', requestId: '1ZgzGzVERcWkul7LpTNJIL', details: null,
  },
};
export const realV3ErrorNullCode = { error: { code: null, message: 'Method not supported.', requestId: 'x1', details: [{ code: 'A', message: 'b', debugMessage: null }] } };
