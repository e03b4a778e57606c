import type { RunRecord } from '../runs.js';

// The layout of IICS's error rows file is unconfirmed; the fake writes CSV: where the row failed,
// why, and the row's own fields. One line per rejected target row.

export function errorRowsFileName(federatedId: string, runId: number): string {
  return `s_mtt_${federatedId}_${runId}_error.csv`;
}

/** The error rows of the runs (a task, or the tasks of a taskflow); empty when none rejected a row. */
export function errorRowsCsv(runs: readonly RunRecord[]): string {
  const lines: string[] = [];
  for (const run of runs) {
    const { successTargetRows, failedTargetRows } = run.rows;
    for (let i = 1; i <= failedTargetRows; i++) {
      const row = successTargetRows + i;
      lines.push([run.view.taskName, 'Target', 'WRT_8229', csvField(run.errorMsg ?? 'Database errors occurred.'), String(row), String(100_000 + row), `${(row % 997) * 3}.50`].join(','));
    }
  }
  if (lines.length === 0) return '';
  return `TASK_NAME,TRANSFORMATION,ERROR_CODE,ERROR_MESSAGE,ROW_NUMBER,ORDER_ID,AMOUNT\n${lines.join('\n')}\n`;
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
