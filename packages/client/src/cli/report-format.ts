import type { JobReport, TaskReport, TransformationRows } from '../jobs/report.js';

/** The tail lines `iics-job run` shows when a run failed or warned. */
export const RUN_REPORT_LINES = 10;

/**
 * A report as a person reads it in a terminal. `short` (after `iics-job run`, which has already
 * printed the state) leaves out the first line, and shows the log tail only of the tasks that did
 * not succeed.
 */
export function formatReport(report: JobReport, options: { short?: boolean } = {}): string {
  const out: string[] = [];
  if (!options.short) {
    const times = [report.startedAt ? `started ${report.startedAt.toISOString()}` : '', report.endedAt ? `ended ${report.endedAt.toISOString()}` : '']
      .filter(Boolean)
      .join(', ');
    out.push(`${report.taskName ?? report.taskId} run ${report.runId}: ${report.state}${times ? ` (${times})` : ''}`);
    if (report.errorMessage) out.push(`  ${report.errorMessage}`);
    if (!report.terminal) {
      out.push('  The run has not ended: its session log comes once it has.');
      return `${out.join('\n')}\n`;
    }
  }
  if (report.tasks) {
    for (const task of report.tasks) {
      out.push(`  ${task.taskName ?? task.taskId ?? 'task'} run ${task.runId}: ${task.state}`);
      taskLines(task, '    ', options.short === true && task.state === 'SUCCESS', out);
    }
  } else {
    taskLines({ ...report, errorMessage: undefined } as TaskReport, '  ', false, out);
  }
  return `${out.join('\n')}\n`;
}

function taskLines(task: TaskReport, indent: string, quiet: boolean, out: string[]): void {
  if (task.errorMessage) out.push(`${indent}${task.errorMessage}`);
  if (task.transformations.length > 0) out.push(...transformationTable(task.transformations, indent));
  if (quiet) return;
  if (task.logTail.length > 0) {
    out.push(`${indent}Last ${task.logTail.length} lines of ${task.logFileName ?? 'the session log'}:`);
    for (const line of task.logTail) out.push(`${indent}  ${line}`);
  } else if (task.logError) {
    out.push(`${indent}${task.logError}`);
  }
}

function transformationTable(rows: TransformationRows[], indent: string): string[] {
  const names = rows.map((row) => `${row.name}${row.type ? ` (${row.type})` : ''}`);
  const width = Math.max('Transformation'.length, ...names.map((name) => name.length));
  const ok = Math.max('Success'.length, ...rows.map((row) => String(row.successRows).length));
  const lines = [`${indent}${'Transformation'.padEnd(width)}  ${'Success'.padStart(ok)}  Failed`];
  rows.forEach((row, i) => lines.push(`${indent}${names[i]!.padEnd(width)}  ${String(row.successRows).padStart(ok)}  ${String(row.failedRows).padStart(6)}`));
  return lines;
}

/** The report as one JSON object (without the raw activity log entry, which `iics-job status --json` has). */
export function reportJson(report: JobReport): Record<string, unknown> {
  const { status: _status, ...rest } = report;
  return rest;
}
