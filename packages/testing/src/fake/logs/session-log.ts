import type { RunRecord } from '../runs.js';

// A session log in the layout of the Data Integration service's DTM log: time, thread, severity,
// [message code], text. The codes are real Informatica message codes; the rest is the fake's own
// wording. What a test may rely on: the first lines name the session, every error of the run shows
// as an ERROR line near the end (the activity log's errorMsg among them), and the last line says
// how the session ended.

/** The name IICS gives a task's session log; also what `Session Log File Name` says. */
export function sessionLogFileName(federatedId: string, runId: number): string {
  return `s_mtt_${federatedId}_${runId}.log`;
}

/** Lines are yielded in chunks of about this many characters, so a large log is never built whole. */
const CHUNK_CHARS = 64 * 1024;

/** The session log of an ended task run (not a taskflow), chunk by chunk. */
export function* sessionLogChunks(run: RunRecord): Generator<string> {
  let buffer = '';
  for (const line of sessionLogLines(run)) {
    buffer += `${line}\n`;
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer !== '') yield buffer;
}

function* sessionLogLines(run: RunRecord): Generator<string> {
  const v = run.view;
  const session = sessionLogFileName(run.task.federatedId, v.runId).replace(/\.log$/, '');
  const start = v.startedAt;
  const end = v.endedAt ?? v.startedAt;
  const at = (fraction: number): string => logTime(start + Math.floor((end - start) * fraction));
  const line = (fraction: number, thread: string, severity: string, code: string, text: string): string =>
    `${at(fraction)} <${thread}> ${severity}: [${code}] ${text}`;
  const folder = run.task.path.split('/').slice(0, -1).join('/');
  const source = 'Source';
  const target = 'Target';

  yield line(0, 'DIRECTOR', 'INFO', 'TM_6014', `Initializing session [${session}] at [${logTime(start)}].`);
  yield line(0, 'DIRECTOR', 'INFO', 'TM_6683', 'Repository Name: [Informatica Cloud]');
  yield line(0, 'DIRECTOR', 'INFO', 'TM_6684', `Server Name: [${run.agentId}]`);
  yield line(0, 'DIRECTOR', 'INFO', 'TM_6686', `Folder: [${folder}]`);
  yield line(0, 'DIRECTOR', 'INFO', 'TM_6685', `Task: [${v.taskName}] Run Id: [${v.runId}] Started by: [${v.startedBy}]`);
  yield line(0, 'DIRECTOR', 'INFO', 'TM_6101', `Mapping name: [m_${v.taskName}].`);
  yield line(0.01, 'MANAGER', 'INFO', 'PETL_24058', 'Running Partition Group [1].');
  yield line(0.02, 'READER_1_1_1', 'INFO', 'BLKR_16007', `Reader run started for source [${source}].`);
  yield line(0.02, 'WRITER_1_*_1', 'INFO', 'WRT_8167', `Start loading table [${target}] at: ${logTime(start)}`);

  const rows = run.rows;
  const read = rows.successSourceRows + rows.failedSourceRows;
  // Row-level lines fill the log up to the task's `sessionLogBytes`, between the start and the end.
  let written = 0;
  for (let n = 1; written < run.task.sessionLogBytes; n++) {
    const text = line(0.5, 'READER_1_1_1', 'DEBUG', 'RR_4035', `Row [${n}] read from source [${source}]: ORDER_ID=[${100_000 + n}] AMOUNT=[${(n % 997) * 3}.50] STATUS=[OPEN]`);
    written += text.length + 1;
    yield text;
  }

  if (run.stopMessage) {
    yield line(0.9, 'DIRECTOR', 'INFO', 'TM_6228', run.stopMessage);
  } else if (v.state === 'FAILED') {
    yield line(0.9, 'TRANSF_1_1_1', 'ERROR', 'TE_7002', withoutCode(run.errorMsg ?? 'Transformation Parse Fatal Error; transformation stopped.'));
    yield line(0.9, 'TRANSF_1_1_1', 'ERROR', 'TM_6085', 'A fatal error occurred at transformation [exp_Totals], and the session is terminating.');
    yield line(0.95, 'DIRECTOR', 'ERROR', 'TM_6102', 'The session is terminating because of a fatal error.');
  } else if (rows.failedTargetRows > 0) {
    for (let i = 1; i <= rows.failedTargetRows; i++) {
      yield line(0.8, 'WRITER_1_*_1', 'ERROR', 'WRT_8229', `Row [${rows.successTargetRows + i}]: ${withoutCode(run.errorMsg ?? 'Database errors occurred.')}`);
    }
  }

  yield line(0.97, 'READER_1_1_1', 'INFO', 'BLKR_16008', `Reader run completed: [${read}] rows read.`);
  yield line(0.98, 'WRITER_1_*_1', 'INFO', 'WRT_8168', `End loading table [${target}] at: ${logTime(end)}`);
  yield line(1, 'WRITER_1_*_1', 'INFO', 'WRT_8036', `Target: [${target}] Applied rows [${rows.successTargetRows}], Rejected rows [${rows.failedTargetRows}]`);
  yield line(1, 'DIRECTOR', 'INFO', 'TM_6020', `Session [${session}] completed at [${logTime(end)}].`);
  yield line(1, 'DIRECTOR', 'INFO', 'TM_6022', `SESSION LOAD SUMMARY: source rows [${read}], target rows applied [${rows.successTargetRows}], rejected [${rows.failedTargetRows}].`);
  yield line(1, 'DIRECTOR', v.state === 'SUCCESS' ? 'INFO' : 'ERROR', 'TM_6023', endLine(run));
}

/** The activity log's message starts with its code, which the log line already shows in brackets. */
function withoutCode(message: string): string {
  return message.replace(/^[A-Z]+_\d+ /, '');
}

function endLine(run: RunRecord): string {
  if (run.stopMessage) return 'Session run was stopped.';
  if (run.view.state === 'FAILED') return 'Session run completed with failure.';
  if (run.view.state === 'WARNING') return 'Session run completed with errors.';
  return 'Session run completed successfully.';
}

/** "2026-12-02 15:01:02.123", UTC (an agent writes its own local time; the fake's agent runs on UTC). */
function logTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}
