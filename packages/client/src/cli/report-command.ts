import type { IicsClient } from '../client.js';
import type { JobReport } from '../jobs/report.js';
import type { JobStatus } from '../status.js';
import { resolveRun, write, type RunSelector } from './log-command.js';
import type { CliStream } from './output.js';
import { RUN_REPORT_LINES, formatReport, reportJson } from './report-format.js';

export interface ReportCommandOptions {
  run: RunSelector;
  json: boolean;
  /** Log lines to show from the end (default 20). */
  lines?: number;
  signal?: AbortSignal;
}

/** `iics-job report`: prints the report and returns it (its state gives the exit code). */
export async function runReport(client: IicsClient, options: ReportCommandOptions, stdout: CliStream): Promise<JobReport> {
  const ref = await resolveRun(client, options.run, options.signal);
  const report = await client.jobs.report(ref, {
    ...(options.lines !== undefined ? { tailLines: options.lines } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await write(stdout, options.json ? `${JSON.stringify({ event: 'report', ...reportJson(report) })}\n` : formatReport(report));
  return report;
}

/**
 * After `iics-job run` ended FAILED or WARNING: the short report under the summary. A report that
 * cannot be read is said on stderr and changes nothing else (the exit code stays the run's).
 */
export async function printRunReport(client: IicsClient, final: JobStatus, json: boolean, stdout: CliStream, stderr: CliStream, signal?: AbortSignal): Promise<void> {
  if (final.state !== 'FAILED' && final.state !== 'WARNING') return;
  try {
    const report = await client.jobs.report({ taskId: final.taskId, runId: final.runId }, { tailLines: RUN_REPORT_LINES, ...(signal ? { signal } : {}) });
    if (json) {
      await write(stdout, `${JSON.stringify({ event: 'report', ...reportJson(report) })}\n`);
      return;
    }
    await write(stdout, formatReport(report, { short: true }));
    await write(stdout, `  Whole log: iics-job log --task-id ${final.taskId} --run-id ${final.runId}\n`);
  } catch (error) {
    stderr.write(`iics-job: could not read the failure report: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
