import {
  IicsAbortedError,
  IicsApiError,
  IicsAuthError,
  IicsInvalidArgumentError,
  IicsTaskNotFoundError,
  IicsTimeoutError,
  IicsWaitTimeoutError,
  IicsError,
} from '../errors.js';

/**
 * Exit codes of Informatica's RunAJob utility, so that scheduler scripts written for it keep
 * working (RunAJob's -1 shows as 255 on POSIX shells), plus 64 (EX_USAGE) and 130 (interrupted).
 */
export const EXIT = {
  SUCCESS: 0,
  WARNING: 1,
  NO_WAIT: 2,
  FAILED: 3,
  REQUEST_TIMEOUT: 4,
  ERROR: 5,
  STILL_RUNNING: 6,
  START_FAILED: 7,
  USAGE: 64,
  INTERRUPTED: 130,
  EXCEPTION: 255,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for a run's final (or current) state. */
export function exitCodeForState(state: string, terminal: boolean): ExitCode {
  if (!terminal) return EXIT.STILL_RUNNING;
  switch (state) {
    case 'SUCCESS':
      return EXIT.SUCCESS;
    case 'WARNING':
      return EXIT.WARNING;
    case 'FAILED':
      return EXIT.FAILED;
    default:
      // An ended run in a state IICS has not documented: neither success nor a known failure.
      return EXIT.ERROR;
  }
}

/** The exit code for an error; `phase` tells a rejected start (7) from other API errors (5). */
export function exitCodeForError(error: unknown, phase: 'start' | 'wait' | 'other'): ExitCode {
  if (error instanceof IicsWaitTimeoutError) return EXIT.STILL_RUNNING;
  if (error instanceof IicsTimeoutError) return EXIT.REQUEST_TIMEOUT;
  if (error instanceof IicsAbortedError) return EXIT.INTERRUPTED;
  if (error instanceof IicsInvalidArgumentError) return EXIT.USAGE;
  if (error instanceof IicsAuthError) return EXIT.ERROR;
  if (phase === 'start' && (error instanceof IicsApiError || error instanceof IicsTaskNotFoundError)) return EXIT.START_FAILED;
  if (error instanceof IicsError) return error.code === 'IICS_CLIENT_CLOSED' ? EXIT.EXCEPTION : EXIT.ERROR;
  return EXIT.EXCEPTION;
}
