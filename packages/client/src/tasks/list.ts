import { parseObjectsResponse, type ObjectsEntry } from '@iics-jobs/schema';
import type { ApiClient } from '../api.js';
import { IicsApiError, IicsInvalidArgumentError, IicsInvalidResponseError, IicsTaskNotFoundError } from '../errors.js';
import type { CallOptions } from '../lookup.js';
import { describe } from '../options.js';

export interface TaskListFilter {
  /** A project or folder path, e.g. "Sales/Nightly": the assets directly in it. Default: the whole organization. */
  folder?: string;
  /** An asset type such as MTT, WORKFLOW, FOLDER (not case sensitive). */
  type?: string;
  /** Only assets with exactly this name (the last part of the path). */
  name?: string;
}

/** An asset as v3 objects lists it; `name` is the last part of `path`. Extra fields IICS sent are kept. */
export type TaskObject = ObjectsEntry & { id: string; path: string; name: string; type: string };

const OBJECTS_PATH = '/public/core/v3/objects';
const OBJECTS_OPERATION = `GET ${OBJECTS_PATH}`;
/** The most IICS answers in one page. */
export const OBJECTS_PAGE_SIZE = 200;
const FILTER_KEYS = new Set(['folder', 'type', 'name']);

/** Lists assets through v3 objects, following every page. */
export class TaskObjects {
  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async list(filter: TaskListFilter = {}, options: CallOptions = {}): Promise<TaskObject[]> {
    const { folder, type, name } = checkFilter(filter);
    const conditions: string[] = [];
    if (type !== undefined) conditions.push(`type=='${type}'`);
    if (folder !== undefined) conditions.push(`location=='${folder}'`);
    const q = conditions.join(' and ');

    const out: TaskObject[] = [];
    let firstIdOfLastPage: string | undefined;
    for (let skip = 0; ; skip += OBJECTS_PAGE_SIZE) {
      const page = await this.#page(q, skip, folder, options);
      const first = page.objects[0]?.id;
      // A server that ignored skip would hand out the same page forever.
      if (first !== undefined && first === firstIdOfLastPage) {
        throw new IicsInvalidResponseError(`${OBJECTS_OPERATION} answered the same page for skip=${skip} as before: it ignores skip.`, {
          operation: OBJECTS_OPERATION,
          status: 200,
          issues: [{ path: '/objects', message: 'same page again' }],
        });
      }
      firstIdOfLastPage = first;
      for (const entry of page.objects) {
        const item = toTaskObject(entry);
        if (name === undefined || item.name === name) out.push(item);
      }
      const total = typeof page.count === 'number' ? page.count : undefined;
      if (page.objects.length < OBJECTS_PAGE_SIZE || (total !== undefined && skip + page.objects.length >= total)) return out;
    }
  }

  async #page(q: string, skip: number, folder: string | undefined, options: CallOptions) {
    try {
      return await this.#api.call({
        method: 'GET',
        family: 'v3',
        path: OBJECTS_PATH,
        query: { ...(q ? { q } : {}), limit: OBJECTS_PAGE_SIZE, skip },
        kind: 'read',
        parse: parseObjectsResponse,
        schemaName: 'ObjectsResponse',
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (folder !== undefined && error instanceof IicsApiError && error.operation === OBJECTS_OPERATION && isUnknownLocation(error)) {
        throw new IicsTaskNotFoundError(`IICS knows no project or folder "${folder}" (${error.description ?? `HTTP ${error.status}`}).`, {
          task: { folder },
          status: error.status,
          ...(error.iicsCode ? { iicsCode: error.iicsCode } : {}),
          ...(error.description ? { description: error.description } : {}),
          ...(error.requestId ? { requestId: error.requestId } : {}),
        });
      }
      throw error;
    }
  }
}

export function toTaskObject(entry: ObjectsEntry): TaskObject {
  return { ...entry, name: entry.path.slice(entry.path.lastIndexOf('/') + 1) };
}

/** IICS's answer for a location that does not exist (a real answer: V3API_ObjectsListError_03, "Unable to find location"). */
function isUnknownLocation(error: IicsApiError): boolean {
  return error.iicsCode === 'V3API_ObjectsListError_03' || /unable to find location/i.test(error.description ?? '');
}

function checkFilter(filter: unknown): TaskListFilter {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw new IicsInvalidArgumentError('filter', 'tasks.list takes { folder?, type?, name? }, e.g. { folder: "Sales/Nightly", type: "MTT" }.');
  }
  for (const key of Object.keys(filter)) {
    if (!FILTER_KEYS.has(key)) throw new IicsInvalidArgumentError(key, `tasks.list: unknown field "${key}"; the fields are folder, type and name.`);
  }
  const f = filter as Record<string, unknown>;
  const out: TaskListFilter = {};
  for (const key of ['folder', 'type', 'name'] as const) {
    const value = f[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') throw new IicsInvalidArgumentError(key, `${key} must be a non-empty string (got ${describe(value)}).`);
    // The filter grammar has no escape for a quote inside a value.
    if (key !== 'name' && /['"]/.test(value)) throw new IicsInvalidArgumentError(key, `${key} cannot hold a quote: IICS's filter has no way to send one (got ${describe(value)}).`);
    out[key] = key === 'type' ? value.toUpperCase() : value;
  }
  if (out.folder !== undefined && (out.folder.startsWith('/') || out.folder.endsWith('/') || out.folder.includes('//'))) {
    throw new IicsInvalidArgumentError('folder', `folder must be a path such as "Sales/Nightly", without a leading or trailing "/" (got ${describe(out.folder)}).`);
  }
  return out;
}
