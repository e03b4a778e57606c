#!/usr/bin/env node
import { main } from './cli/main.js';

// Ctrl-C or a scheduler's SIGTERM stops the wait (and with --stop-on-interrupt the job): main returns 130
// after logging out. The listener goes after the first signal, so a second Ctrl-C ends the process at once.
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort());
}

main(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`iics-job: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 255;
  },
);
