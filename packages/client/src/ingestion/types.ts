import type { FileIngestionJobResponse, FileIngestionJobStatus, FileIngestionFileStatus } from '@iics-jobs/schema';

/** A parameter value: sent as a string, as the documentation shows (`"batchSize": "5"`). */
export type FileIngestionValue = string | number | boolean;

/** Overridable parameters by category, as documented for the file ingestion job resource. */
export interface FileIngestionParameters {
  General?: {
    /** A connection id (not a name). */
    sourceConnection?: string;
    /** A connection id (not a name). */
    targetConnection?: string;
    parallelBatch?: FileIngestionValue;
    logLevel?: string;
  };
  Source?: {
    /** local, ftp, ftps, sftp, gcs, hdfs, adlsgen2 connectors. */
    sourceDirectory?: string;
    /** s3 connector. */
    s3SourceLocation?: string;
    /** blob connector. */
    blobSourceLocation?: string;
    filePattern?: string;
    batchSize?: FileIngestionValue;
    includeSubfolder?: FileIngestionValue;
    checkDuplicate?: FileIngestionValue;
    fileStability?: FileIngestionValue;
    stabilityCheckInterval?: FileIngestionValue;
  };
  Target?: {
    /** local, ftp, ftps, sftp connectors. */
    targetDirectory?: string;
    gcsTargetLocation?: string;
    hdfsTargetLocation?: string;
    adlsGen2TargetLocation?: string;
    s3TargetLocation?: string;
    blobContainer?: string;
  };
}

/** How a file ingestion task is named: its id, its path (v3 lookup, type MI_TASK), or its name (the mitasks list). */
export type FileIngestionTaskSelector =
  | { taskId: string; path?: never; taskName?: never }
  | { path: string; taskId?: never; taskName?: never }
  | { taskName: string; taskId?: never; path?: never };

export type FileIngestionStartRequest = FileIngestionTaskSelector & {
  parameters?: FileIngestionParameters;
  /** Values for the `${name}` variables the task's parameters use. */
  variables?: Record<string, FileIngestionValue>;
};

export interface StartedFileIngestion {
  /** Always a string, read without loss even when IICS sends a number beyond 2^53. */
  runId: string;
  /** The id the job was started with. */
  taskId: string;
  /** The start answer as IICS sent it (its shape is UNCONFIRMED). */
  raw: FileIngestionJobResponse;
}

/** RUNNING, SUCCESS, FAILED, or `jobStatus` as the server wrote it when it is none of those. */
export type FileIngestionState = 'RUNNING' | 'SUCCESS' | 'FAILED' | (string & {});

export interface FileIngestionFile {
  name: string;
  /** The file's own state, as the server wrote it (upper-cased). */
  state?: string;
  sizeBytes?: number;
  errorMessage?: string;
  raw: FileIngestionFileStatus;
}

export interface FileIngestionStatus {
  runId: string;
  state: FileIngestionState;
  /** True once the job has ended: it will not change again. */
  terminal: boolean;
  /** `jobStatus` exactly as IICS sent it. */
  jobStatus: string;
  taskId?: string;
  taskName?: string;
  startedAt?: Date;
  endedAt?: Date;
  errorMessage?: string;
  /** The files, when the server lists them (the list's name and fields are UNCONFIRMED: `files`, else `fileDetails`). */
  files?: FileIngestionFile[];
  raw: FileIngestionJobStatus;
}

export interface FileIngestionLogs {
  /** The Content-Type header as sent ("" when there was none); UNCONFIRMED whether zip, text or JSON. */
  contentType: string;
  /** The bytes exactly as received. */
  body: Uint8Array;
}

export interface FileIngestionWaitOptions {
  /** Time between polls. Default 10 000 ms (the one client seen polls every 10 s). */
  pollIntervalMs?: number;
  /** Give up waiting after this long with IICS_WAIT_TIMEOUT; the job goes on. Default: no limit. */
  timeoutMs?: number;
  /** Stops waiting with IICS_ABORTED; the job goes on. */
  signal?: AbortSignal;
  /** Called with every status polled, including the final one. */
  onUpdate?: (status: FileIngestionStatus) => void;
}
