import { describe, expect, test } from 'vitest';
import { startFakeIics, type FakeTaskDefinition } from '../src/index.js';

const refused = (tasks: unknown[]) => startFakeIics({ tasks: tasks as FakeTaskDefinition[] });

describe('task definitions are checked: an unknown key or value is an error naming it', () => {
  test('a misspelt key (outcom) is refused instead of running to SUCCESS', async () => {
    await expect(refused([{ name: 'MT_Load', type: 'MTT', outcom: 'failed' }])).rejects.toThrow(
      /tasks\[0\]\.outcom is not a key of a MTT task definition; the keys are name, type, id, federatedId, path, durationMs, queuedMs, outcome, parallel, sessionLogBytes/,
    );
  });

  test('each v2 task type has its table: children only for WORKFLOW, keys of the tasks of a taskflow checked too', async () => {
    await expect(refused([{ name: 'DSS_X', type: 'DSS', children: [] }])).rejects.toThrow(/tasks\[0\]\.children is not a key of a DSS task definition \(only WORKFLOW/);
    await expect(refused([{ name: 'LT', type: 'WORKFLOW', children: [{ name: 'MT_A', type: 'MTT', durationMS: 5 }] }])).rejects.toThrow(
      /tasks\[0\]\.children\[0\]\.durationMS is not a key of a MTT task definition/,
    );
    const fake = await refused([{ name: 'LT', type: 'workflow', children: [{ name: 'MT_A', type: 'MTT', outcome: 'warning' }] }]);
    expect(fake.tasks.map((t) => t.name)).toEqual(['MT_A', 'LT']);
    await fake.close();
  });

  test('unknown values are named too (outcome, parallel, type)', async () => {
    await expect(refused([{ name: 'MT_Load', type: 'MTT', outcome: 'failure' }])).rejects.toThrow(/tasks\[0\]\.outcome must be one of success, warning, failed, got "failure"/);
    await expect(refused([{ name: 'MT_Load', type: 'MTT', parallel: 'no' }])).rejects.toThrow(/tasks\[0\]\.parallel must be a boolean/);
    await expect(refused([{ name: 'MT_Load', type: 'MAPPING' }])).rejects.toThrow(/tasks\[0\]\.type must be one of/);
  });

  test('addTask checks the same way', async () => {
    const fake = await startFakeIics();
    try {
      expect(() => fake.addTask({ name: 'MT_New', type: 'MTT', queued: 5 } as never)).toThrow(/task\.queued is not a key of a MTT task definition/);
    } finally {
      await fake.close();
    }
  });
});
