import type { FileIngestionFileStatus, FileIngestionJobStatus } from '@iics-jobs/schema';
import type { FileIngestionFile, FileIngestionState, FileIngestionStatus } from './types.js';

// Values that say the job is still going. Only RUNNING is documented; the others are guesses at
// what a queued or starting job says, kept non-terminal so that a wait does not end early on them.
const ACTIVE = /^(RUNNING|QUEUED|STARTED|STARTING|IN_PROGRESS|INPROGRESS|PROCESSING|PENDING|WAITING|INITIALIZED|SUBMITTED)$/;

/**
 * Maps `jobStatus`: SUCCESS and RUNNING (documented), FAILED; any other value is passed on as it is
 * and ends the wait unless it reads like an active state (the one client seen treats every value
 * but SUCCESS and RUNNING as a failure).
 */
export function stateFromJobStatus(jobStatus: string): { state: FileIngestionState; terminal: boolean } {
  const upper = jobStatus.trim().toUpperCase();
  if (upper === 'SUCCESS') return { state: 'SUCCESS', terminal: true };
  if (upper === 'FAILED') return { state: 'FAILED', terminal: true };
  if (upper === 'RUNNING') return { state: 'RUNNING', terminal: false };
  return { state: jobStatus, terminal: !ACTIVE.test(upper) };
}

export function statusFromAnswer(runId: string, raw: FileIngestionJobStatus): FileIngestionStatus {
  const { state, terminal } = stateFromJobStatus(raw.jobStatus);
  const status: FileIngestionStatus = { runId, state, terminal, jobStatus: raw.jobStatus, raw };
  if (typeof raw.taskId === 'string') status.taskId = raw.taskId;
  if (typeof raw.taskName === 'string') status.taskName = raw.taskName;
  const startedAt = date(raw.startTime);
  const endedAt = date(raw.endTime);
  if (startedAt) status.startedAt = startedAt;
  if (endedAt) status.endedAt = endedAt;
  const list = raw.files ?? raw.fileDetails;
  if (list) status.files = list.map(file);
  const message = typeof raw.message === 'string' && raw.message !== '' ? raw.message : undefined;
  const failedFiles = status.files?.filter((f) => f.errorMessage !== undefined) ?? [];
  const errorMessage = message ?? (failedFiles.length > 0 ? failedFiles.map((f) => `${f.name}: ${f.errorMessage}`).join('; ') : undefined);
  if (errorMessage !== undefined && state !== 'SUCCESS') status.errorMessage = errorMessage;
  return status;
}

function file(raw: FileIngestionFileStatus): FileIngestionFile {
  const out: FileIngestionFile = { name: raw.fileName ?? raw.name ?? '', raw };
  const state = raw.status ?? raw.fileStatus;
  if (state !== undefined) out.state = state.toUpperCase();
  const size = raw.fileSize ?? raw.size;
  const n = typeof size === 'string' && /^\d+$/.test(size) ? Number(size) : size;
  if (typeof n === 'number' && Number.isSafeInteger(n)) out.sizeBytes = n;
  const error = raw.errorMessage ?? raw.message;
  if (typeof error === 'string' && error !== '') out.errorMessage = error;
  return out;
}

/** Times are UNCONFIRMED in form; only an explicit UTC or offset time is read, anything else is left out (it stays in raw). */
function date(value: string | null | undefined): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
