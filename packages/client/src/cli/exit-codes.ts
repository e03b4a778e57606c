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
import { START_OPERATION } from '../jobs.js';

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

/**
 * The exit code for an error. `phase` "start" covers everything `jobs.start` does: the lazy login,
 * the `--path` lookup, then the start request. Only a rejection of the start itself (or a task that
 * does not exist) is 7; a login or lookup that fails on the way is an error like any other (5, or 4
 * for a timeout), whichever request it came with.
 */
export function exitCodeForError(error: unknown, phase: 'start' | 'wait' | 'other'): ExitCode {
  if (error instanceof IicsWaitTimeoutError) return EXIT.STILL_RUNNING;
  if (error instanceof IicsTimeoutError) return EXIT.REQUEST_TIMEOUT;
  if (error instanceof IicsAbortedError) return EXIT.INTERRUPTED;
  if (error instanceof IicsInvalidArgumentError) return EXIT.USAGE;
  if (error instanceof IicsAuthError) return EXIT.ERROR;
  if (phase === 'start' && isStartRejection(error)) return EXIT.START_FAILED;
  if (error instanceof IicsError) return error.code === 'IICS_CLIENT_CLOSED' ? EXIT.EXCEPTION : EXIT.ERROR;
  return EXIT.EXCEPTION;
}

/** No such task (from the start or the path lookup), or IICS answered the start request itself with an error. */
function isStartRejection(error: unknown): boolean {
  if (error instanceof IicsTaskNotFoundError) return true;
  return error instanceof IicsApiError && error.operation === START_OPERATION;
}
