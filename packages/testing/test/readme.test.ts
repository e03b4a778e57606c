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
    const options = ['port', 'podPort', 'host', 'tasks', 'users', 'timeScale', 'clock', 'sessionIdleMs', 'logGapMs', 'callbackRetrySchedule', 'loginFailureStatus', 'lookupMissing', 'stopDelayMs', 'maxRecorded'];
    for (const option of options) expect(readme, option).toContain(`\`${option}\``);
  });

  test('the error table and the list of unconfirmed choices agree on the 401 body: the route\'s family', () => {
    const row = readme.split('\n').find((line) => line.startsWith('| missing, unknown, expired or logged-out session |'));
    expect(row).toMatch(/the route's family: the v2 error object .* on v2 routes, the v3 error object on v3 routes/);
    const unconfirmed = readme.slice(readme.indexOf('- Where the real behaviour is unconfirmed')).replace(/\s+/g, ' ');
    expect(unconfirmed).toMatch(/401 with the error object of the route's family for an expired session \(the v2 object on v2 routes, the v3 object on v3 routes\)/);
    expect(readme).not.toMatch(/401 with a\s+v2 error object/);
  });

  test('says that the callback\'s endTime is US Eastern time with the false Z, its time zone being undocumented', () => {
    const text = readme.replace(/\s+/g, ' ');
    expect(text).toContain(
      "IICS does not document the time zone of the callback's `endTime`: the fake writes it in US Eastern wall-clock time with the false `Z`, like `startTime`/`endTime` in the activity log.",
    );
    expect(text).toContain("the callback's `endTime` in US Eastern time with the false `Z` (IICS does not document its time zone)");
  });
});
