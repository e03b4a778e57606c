import { defineConfig } from 'vitest/config';

// These tests run the built packages the way a user does (dist, bins, tarballs), so nx builds them first.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
