/**
 * The stable `code` of every answer that is not a plain 200. Match on the code, not on the message:
 * messages may be reworded, codes never change.
 */
export type CallbackErrorCode =
  | 'method_not_allowed'
  | 'forbidden'
  | 'unauthorized'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'body_timeout'
  | 'empty_body'
  | 'invalid_json'
  | 'invalid_callback'
  | 'body_unavailable'
  | 'in_progress'
  | 'handler_failed'
  | 'handler_timeout'
  | 'store_unavailable'
  | 'internal_error';

/** One problem with the request; `path` is a JSON pointer into the body ("" for the body as a whole). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The JSON body of every non-200 answer. It never holds a stack trace, a secret or the handler's error message. */
export interface ErrorBody {
  error: {
    code: CallbackErrorCode;
    message: string;
    details: ErrorDetail[];
  };
}

/** The JSON body of a 200 answer: `processed` when the handler ran now, `duplicate` when it had already run. */
export interface SuccessBody {
  status: 'processed' | 'duplicate';
  key: string;
}

/** Codes of the answers that reject a request before the handler could be called (4xx, plus an unreadable body). */
export type RejectionCode = Extract<
  CallbackErrorCode,
  | 'method_not_allowed'
  | 'forbidden'
  | 'unauthorized'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'body_timeout'
  | 'empty_body'
  | 'invalid_json'
  | 'invalid_callback'
  | 'body_unavailable'
>;

/** What `onRejected` receives: the answer that was sent, in a form meant for logs and metrics. */
export interface Rejection {
  status: number;
  code: RejectionCode;
  message: string;
  details: ErrorDetail[];
}

/**
 * Thrown by a body reader (see `CallbackHttpRequest.body`) when it cannot produce the body;
 * the handler turns it into the matching answer.
 */
export class CallbackBodyError extends Error {
  override readonly name = 'CallbackBodyError';
  readonly code: 'payload_too_large' | 'body_timeout' | 'body_unavailable';

  constructor(code: CallbackBodyError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export function errorBody(code: CallbackErrorCode, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}
