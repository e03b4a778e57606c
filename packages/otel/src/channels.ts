/**
 * The diagnostics channels of the other @iics-jobs packages, by name. They are a public contract of those
 * packages (listed in their READMEs); this package depends on none of them, so that it can be installed
 * beside any subset. A test checks that these names equal the ones the packages export.
 */
export const IICS_JOBS_CHANNELS = {
  clientLogin: 'iics-jobs:client:login',
  clientLookup: 'iics-jobs:client:lookup',
  clientStart: 'iics-jobs:client:start',
  clientStop: 'iics-jobs:client:stop',
  clientStatus: 'iics-jobs:client:status',
  clientWait: 'iics-jobs:client:wait',
  clientRun: 'iics-jobs:client:run',
  clientRequest: 'iics-jobs:client:request',
  callbackReceive: 'iics-jobs:callback:receive',
  callbackHandler: 'iics-jobs:callback:handler',
  callbackAttempt: 'iics-jobs:testing:callback-attempt',
} as const;
