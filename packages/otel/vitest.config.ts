import { defaultServerConditions } from 'vite';
import shared from '../../vitest.shared.ts';

// OpenTelemetry's packages point the "module" condition at an ESM build with extensionless imports,
// which Node cannot load; without that condition they resolve to their CommonJS build, as in Node itself.
export default {
  ...shared,
  ssr: { resolve: { conditions: [...defaultServerConditions.filter((c) => c !== 'module'), '@iics-jobs/source'] } },
};
