#!/usr/bin/env node
// Adds up the vitest JSON reports that `npm test` leaves in */test-results/vitest.json and prints
// one closing line, "N passed, M failed", that CI reads. A missing report counts as a failure; exits 1 on any.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// Every test project must have left a report: one that did not run counts as a failure, not as nothing.
const projects = ['e2e', ...readdirSync(path.join(root, 'packages')).map((p) => `packages/${p}`)];
let passed = 0, failed = 0, skipped = 0;
for (const project of projects) {
  const file = path.join(root, project, 'test-results', 'vitest.json');
  if (!existsSync(file)) {
    console.log(`${project}: no test report (its tests did not run)`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(`${project}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
