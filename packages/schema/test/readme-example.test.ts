import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { readCallback } from './readme-example.js';

describe('the README example', () => {
  test('is printed in the README exactly as tested here', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = await readFile(new URL('./readme-example.ts', import.meta.url), 'utf8');
    expect(readme).toContain('```ts\n' + example + '```');
  });

  test('accepts a callback and keeps its extra fields', () => {
    const callback = readCallback('{"objectId":"0034J90000000M","runId":5,"status":"COMPLETED","extra":1}');
    expect(callback).toEqual({ objectId: '0034J90000000M', runId: 5, status: 'COMPLETED', extra: 1 });
  });

  test('refuses a bad one with the message the comment shows', () => {
    expect(() => readCallback('{"objectId":"a","runId":"5","status":"COMPLETED"}')).toThrow(
      'bad callback: /runId: runId must be an integer, got the string "5"',
    );
  });
});
