#!/usr/bin/env node
// Placeholder until the end-to-end issue lands: says so and fails, so that it never claims to have run a job.
console.error('npm run demo: not yet built. The end-to-end demo comes with the client, callback receiver and fake IICS packages.');
process.exit(1);
