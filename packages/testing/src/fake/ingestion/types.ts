/** The fake's routes of the file ingestion and replication service (`/mftsaas/api/v1/...`), for faults. */
export type FakeIngestionRoute =
  | 'fileIngestionJob'
  | 'fileIngestionStatus'
  | 'fileIngestionLogs'
  | 'fileIngestionTasks'
  | 'fileIngestionActivityLog';

export const INGESTION_ROUTES: readonly FakeIngestionRoute[] = [
  'fileIngestionJob',
  'fileIngestionStatus',
  'fileIngestionLogs',
  'fileIngestionTasks',
  'fileIngestionActivityLog',
];

/** One file of an MI_TASK definition; a bare string is `{ name }`. */
export interface FakeIngestionFileDefinition {
  name: string;
  /** Default 1024. */
  sizeBytes?: number;
  /** Default "success"; a task with `outcome: "failed"` and no failed file fails its last file. */
  outcome?: 'success' | 'failed';
}

export interface FakeIngestionFile {
  readonly name: string;
  readonly sizeBytes: number;
  readonly outcome: 'success' | 'failed';
}

/** A file's state in a run: waiting, being transferred, done. The real names are UNCONFIRMED. */
export type FakeIngestionFileState = 'QUEUED' | 'RUNNING' | 'SUCCESS' | 'FAILED';

/** One run of an MI_TASK, as the fake sees it now. */
export interface FakeIngestionRun {
  /** A string, counted from `fileIngestion.firstRunId`; it may exceed 2^53. */
  readonly runId: string;
  readonly taskId: string;
  readonly taskName: string;
  /** `jobStatus`: RUNNING until every file is done, then SUCCESS, or FAILED when a file failed. */
  readonly state: 'RUNNING' | 'SUCCESS' | 'FAILED';
  /** Fake-clock epoch ms. */
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly startedBy: string;
  readonly files: ReadonlyArray<{ readonly name: string; readonly sizeBytes: number; readonly state: FakeIngestionFileState }>;
  /** The start request's `parameters` and `variables`, exactly as received. */
  readonly parameters?: unknown;
  readonly variables?: unknown;
  /** What `/logs` answers for this run. */
  readonly logs: { readonly contentType: string; readonly body: Uint8Array };
}

/** How the fake writes the answers whose real shape is UNCONFIRMED, so a test can try each plausible form. */
export interface FakeIngestionOptions {
  /** The key of the run id in the start answer (default "runId"). */
  runIdKey?: 'runId' | 'RunId';
  /** Whether the start answer writes the run id as a JSON string (default) or a bare JSON number (of any size). */
  runIdType?: 'string' | 'number';
  /** The first run id handed out, a string of digits (default "1"); they count up from it. */
  firstRunId?: string;
}
