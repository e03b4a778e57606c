import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import * as api from '../src/index.js';

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  test('shows test/readme-example.test.ts verbatim, so the example it shows is one that runs', async () => {
    const example = await readFile(new URL('./readme-example.test.ts', import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
  });

  test('documents every export and every startFakeIics option', () => {
    for (const name of Object.keys(api)) expect(readme, name).toContain(name);
    const options = ['port', 'host', 'tasks', 'users', 'timeScale', 'clock', 'sessionIdleMs', 'logGapMs', 'callbackRetrySchedule', 'loginFailureStatus', 'lookupMissing', 'stopDelayMs'];
    for (const option of options) expect(readme, option).toContain(`\`${option}\``);
  });
});
