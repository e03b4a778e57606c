import { IicsInvalidArgumentError } from '../errors.js';
import { describe } from '../options.js';

/** As Informatica documents API names: letters, digits, `_` and `-`, at most 80 characters. */
const API_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const RUN_ID = /^[0-9]{1,20}$/;

export interface StartTaskflowRequest {
  /** The taskflow's API name (its service URL ends in /active-bpel/rt/<apiName>). */
  apiName: string;
  /** The taskflow's input fields. Sent as a JSON body (POST), or as query parameters with `method: "GET"`. */
  input?: Record<string, unknown>;
  /** A custom instance name (header TF-INSTANCE-NAME); the run then shows as `<name>-<instanceName>-<runId>`. */
  instanceName?: string;
  /** Default "POST". GET sends the inputs in the query string and takes only strings, numbers and booleans. */
  method?: 'GET' | 'POST';
}

const START_KEYS = ['apiName', 'input', 'instanceName', 'method'];

export function checkStartRequest(request: unknown): Required<Pick<StartTaskflowRequest, 'apiName' | 'method'>> & StartTaskflowRequest {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new IicsInvalidArgumentError('request', 'taskflows.start needs an object such as { apiName: "TF_Orders", input: { orderId: "42" } }.');
  }
  const r = request as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!START_KEYS.includes(key)) throw new IicsInvalidArgumentError(key, `taskflows.start: unknown field "${key}"; the fields are ${START_KEYS.join(', ')}.`);
  }
  if (typeof r.apiName !== 'string' || !API_NAME.test(r.apiName)) {
    throw new IicsInvalidArgumentError('apiName', `apiName must be a taskflow's API name: 1 to 80 letters, digits, "_" or "-" (got ${describe(r.apiName)}).`);
  }
  const method = r.method ?? 'POST';
  if (method !== 'GET' && method !== 'POST') throw new IicsInvalidArgumentError('method', `method must be "GET" or "POST" (got ${describe(method)}).`);
  const out: StartTaskflowRequest & { method: 'GET' | 'POST' } = { apiName: r.apiName, method };
  if (r.input !== undefined) {
    if (r.input === null || typeof r.input !== 'object' || Array.isArray(r.input)) {
      throw new IicsInvalidArgumentError('input', 'input must be an object of the taskflow\'s input fields, e.g. { CustomerName: "ACME" }.');
    }
    if (method === 'GET') {
      for (const [key, value] of Object.entries(r.input)) {
        if (!['string', 'number', 'boolean'].includes(typeof value)) {
          throw new IicsInvalidArgumentError(`input.${key}`, `input.${key}: a GET sends inputs in the query string, which takes strings, numbers and booleans (got ${describe(value)}); use method "POST".`);
        }
      }
    }
    out.input = r.input as Record<string, unknown>;
  }
  if (r.instanceName !== undefined) {
    if (typeof r.instanceName !== 'string' || r.instanceName.trim() === '') {
      throw new IicsInvalidArgumentError('instanceName', `instanceName must be a non-empty string (got ${describe(r.instanceName)}).`);
    }
    out.instanceName = r.instanceName;
  }
  return out;
}

/** A run id: a string of digits. A number is refused: one above 2^53 has already lost digits. */
export function checkRunId(value: unknown, field = 'runId'): string {
  if (typeof value === 'string' && RUN_ID.test(value)) return value;
  if (typeof value === 'number') {
    throw new IicsInvalidArgumentError(field, `${field} must be a string of digits, as start returned it; a number (${value}) may have lost digits already.`);
  }
  throw new IicsInvalidArgumentError(field, `${field} must be a taskflow run id: 1 to 20 digits (got ${describe(value)}).`);
}
