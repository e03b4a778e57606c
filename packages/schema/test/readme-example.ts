import { formatIssues, parseCallbackUrlResponse, type CallbackUrlResponse } from '@iics-jobs/schema';

export function readCallback(body: string): CallbackUrlResponse {
  const result = parseCallbackUrlResponse(JSON.parse(body));
  if (!result.ok) {
    // e.g. 'bad callback: /runId: runId must be an integer, got the string "5"'
    throw new Error(`bad callback: ${formatIssues(result.errors)}`);
  }
  return result.value; // the input itself, extra fields kept
}
