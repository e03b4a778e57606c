#!/usr/bin/env node
// Adds up the vitest JSON reports that `npm test` leaves in */test-results/vitest.json and prints
// one closing line, "N passed, M failed", that CI reads. Exits 1 when a report is missing or nothing ran.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dirs = [root, path.join(root, 'e2e'), ...readdirSync(path.join(root, 'packages')).map((p) => path.join(root, 'packages', p))];
let passed = 0, failed = 0, skipped = 0, reports = 0;
for (const dir of dirs) {
  const file = path.join(dir, 'test-results', 'vitest.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  reports += 1;
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(`${path.relative(root, dir) || '.'}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
if (reports === 0) {
  console.log('0 passed, 1 failed');
  console.error('test-summary: no vitest report found');
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
