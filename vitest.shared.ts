import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Every package tests against its siblings' TypeScript sources (the `@iics-jobs/source`
// export condition), so a test run needs no prior build of the packages it imports.
// Each run also writes a JSON report that .ci/run adds up into one "N passed, M failed" line.
export default defineConfig({
  ssr: { resolve: { conditions: [...defaultServerConditions, '@iics-jobs/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.spec.json' },
  },
});
