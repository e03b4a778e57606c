export { instrumentIicsJobs, type Instrumentation, type InstrumentOptions } from './instrument.js';
export { IICS_JOBS_CHANNELS } from './channels.js';
export { formatTraceparent, parseTraceparent, TRACEPARENT_PARAM, withTraceContext } from './trace-context.js';
