export { createClock, createManualClock, type Clock, type CreateClockOptions, type ManualClock } from './clock.js';
export { callbackRetrySchedule, CALLBACK_ATTEMPT_TIMEOUT_MS, CALLBACK_WINDOW_MS } from './retry-schedule.js';
export {
  deliverCallback,
  MIN_REAL_ATTEMPT_TIMEOUT_MS,
  type DeliverCallbackOptions,
  type DeliveryAttempt,
  type DeliveryResult,
} from './deliver.js';
export { fixtures, type FixtureBuilder, type FixtureOverrides } from './fixtures.js';
export { iicsEasternTime, iicsUtcTime } from './time.js';
export { startFakeIics, DEFAULT_USER } from './fake/server.js';
export { defaultTaskDefinitions } from './fake/tasks.js';
export { defaultTaskflowDefinitions } from './fake/taskflows/catalog.js';
export type {
  FakeTaskflow,
  FakeTaskflowDefinition,
  FakeTaskflowOutcome,
  FakeTaskflowRun,
  FakeTaskflowState,
  FakeTaskflowStep,
  FakeTaskflowStepRun,
} from './fake/taskflows/types.js';
export type {
  FakeCallbackAttempt,
  FakeFaults,
  FakeIics,
  FakeOutcome,
  FakeRoute,
  FakeRun,
  FakeRunState,
  FakeTask,
  FakeTaskDefinition,
  FakeTaskType,
  FakeUser,
  RecordedRequest,
  StartFakeIicsOptions,
} from './fake/types.js';
export type {
  FakeIngestionFile,
  FakeIngestionFileDefinition,
  FakeIngestionFileState,
  FakeIngestionOptions,
  FakeIngestionRoute,
  FakeIngestionRun,
} from './fake/ingestion/types.js';
export { TESTING_CHANNELS, type CallbackAttemptMessage } from './diagnostics.js';
