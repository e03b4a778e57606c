import { MI_TASK_KEYS } from './ingestion/tasks.js';

// The keys a task definition may have, per task type. A definition with any other key is refused
// with an error naming it: a misspelt `outcom: 'failed'` would otherwise run to SUCCESS and a test
// would pass for the wrong reason. A new task type adds its row here.
const V2_TASK_KEYS = ['name', 'type', 'id', 'federatedId', 'path', 'durationMs', 'queuedMs', 'outcome', 'parallel', 'sessionLogBytes'] as const;

export const TASK_DEFINITION_KEYS: Readonly<Record<string, readonly string[]>> = {
  DMASK: V2_TASK_KEYS,
  DRS: V2_TASK_KEYS,
  DSS: V2_TASK_KEYS,
  MTT: V2_TASK_KEYS,
  PCS: V2_TASK_KEYS,
  WORKFLOW: [...V2_TASK_KEYS, 'children'],
  // File ingestion tasks (resolved by ingestion/tasks.ts, which checks them with this list).
  MI_TASK: MI_TASK_KEYS,
};

/** Throws a TypeError naming the first key of `definition` that its type does not have. */
export function checkTaskKeys(definition: object, type: string, where: string): void {
  const known = TASK_DEFINITION_KEYS[type];
  if (!known) return;
  for (const key of Object.keys(definition)) {
    if (!known.includes(key)) {
      const hint = key === 'children' ? ' (only WORKFLOW tasks, linear taskflows, have children)' : '';
      throw new TypeError(`${where}.${key} is not a key of a ${type} task definition${hint}; the keys are ${known.join(', ')}`);
    }
  }
}
