import type { FakeTaskDefinition } from '@iics-jobs/testing';

export const FOLDERS = ['East', 'West', 'North'] as const;

/**
 * 3 folders × 4 tasks (Sales/<folder>/MT_Load_1..4), beside tasks that the patterns of the tests
 * must leave out: another type, another name, a nested folder, another project.
 */
export function salesTasks(durationMs = 20_000, extra: Partial<FakeTaskDefinition> = {}): FakeTaskDefinition[] {
  const grid = FOLDERS.flatMap((folder) =>
    [1, 2, 3, 4].map((n): FakeTaskDefinition => ({ name: `MT_Load_${n}`, type: 'MTT', path: `Sales/${folder}/MT_Load_${n}`, durationMs, ...extra })),
  );
  return [
    ...grid,
    { name: 'DSS_Load_1', type: 'DSS', path: 'Sales/East/DSS_Load_1', durationMs },
    { name: 'MT_Load_10', type: 'MTT', path: 'Sales/East/MT_Load_10', durationMs },
    { name: 'MT_Other', type: 'MTT', path: 'Sales/West/MT_Other', durationMs },
    { name: 'MT_Load_1', type: 'MTT', path: 'Sales/East/Archive/MT_Load_1', durationMs },
    { name: 'MT_Load_1', type: 'MTT', path: 'Finance/Close/MT_Load_1', durationMs },
  ];
}

/** The 12 paths of the grid, in path order. */
export const GRID_PATHS = FOLDERS.flatMap((folder) => [1, 2, 3, 4].map((n) => `Sales/${folder}/MT_Load_${n}`)).sort();
