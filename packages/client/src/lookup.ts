import { parseLookupResponse, type LookupObject } from '@iics-jobs/schema';
import type { ApiClient } from './api.js';
import { channels, traced } from './diagnostics.js';
import { IicsApiError, IicsInvalidArgumentError, IicsTaskNotFoundError } from './errors.js';
import type { IicsLogger } from './options.js';
import { describe } from './options.js';

export interface TaskLookupRequest {
  /** Project, folders and asset name separated by "/", e.g. "Sales/TEST/MT_Load". */
  path: string;
  /** The asset type: MTT, DSS, WORKFLOW, ... (not case sensitive for IICS). */
  type: string;
}

/** What v3 lookup says about an asset; `id` is the federated id to start it by. Extra fields are kept. */
export type TaskInfo = LookupObject & { id: string; path: string; type: string };

const LOOKUP_PATH = '/public/core/v3/lookup';
const LOOKUP_OPERATION = `POST ${LOOKUP_PATH}`;

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * Resolves asset paths to federated ids, caching answers for the life of the client: a task's
 * federated id does not change while it exists. A start that IICS refuses as "no such task"
 * drops the cached answer (the task may have been moved or deleted).
 */
export class TaskLookup {
  readonly #api: ApiClient;
  readonly #logger: IicsLogger;
  readonly #cache = new Map<string, TaskInfo>();

  constructor(api: ApiClient, logger: IicsLogger) {
    this.#api = api;
    this.#logger = logger;
  }

  async lookup(request: TaskLookupRequest, options: CallOptions = {}): Promise<TaskInfo> {
    const { path, type } = checkLookup(request);
    const cached = this.#cache.get(cacheKey(path, type));
    return traced(
      channels.lookup,
      () => ({ path, type, cached: cached !== undefined }),
      async () => cached ?? this.#lookup(path, type, options),
    );
  }

  async #lookup(path: string, type: string, options: CallOptions): Promise<TaskInfo> {

    let answer;
    try {
      answer = await this.#api.call({
        method: 'POST',
        family: 'v3',
        path: LOOKUP_PATH,
        body: { objects: [{ path, type }] },
        kind: 'read',
        parse: parseLookupResponse,
        schemaName: 'LookupResponse',
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      // What IICS answers for a path that does not exist is not documented; a 404 or a 4xx that
      // says so clearly is taken as "not found", anything else stays an API error.
      // Only the lookup's own answer: a login on the way that answers 404 is no statement about the path.
      if (error instanceof IicsApiError && error.operation === LOOKUP_OPERATION && looksLikeNotFound(error)) {
        throw new IicsTaskNotFoundError(`No ${type} asset at path "${path}" (${error.description ?? `HTTP ${error.status}`}).`, {
          task: { path, type },
          status: error.status,
          ...(error.iicsCode ? { iicsCode: error.iicsCode } : {}),
          ...(error.description ? { description: error.description } : {}),
          ...(error.requestId ? { requestId: error.requestId } : {}),
        });
      }
      throw error;
    }

    const match =
      answer.objects.find((o) => o.path === path && sameType(o.type, type)) ??
      answer.objects.find((o) => o.path?.toLowerCase() === path.toLowerCase() && sameType(o.type, type)) ??
      // An answer without paths (some PODs trim them) that holds exactly one asset is that asset.
      (answer.objects.length === 1 && answer.objects[0]?.path === undefined ? answer.objects[0] : undefined);
    if (!match || match.id === '') {
      throw new IicsTaskNotFoundError(`No ${type} asset at path "${path}": IICS lookup found nothing.`, { task: { path, type } });
    }
    const info: TaskInfo = { ...match, id: match.id, path: match.path ?? path, type: match.type ?? type };
    this.#cache.set(cacheKey(path, type), info);
    this.#logger.debug?.('Resolved task path', { path, type, id: info.id });
    return info;
  }

  forget(path: string, type: string): void {
    this.#cache.delete(cacheKey(path, type));
  }
}

function checkLookup(request: unknown): TaskLookupRequest {
  if (request === null || typeof request !== 'object') {
    throw new IicsInvalidArgumentError('request', 'tasks.lookup needs { path, type }, e.g. { path: "Sales/MT_Load", type: "MTT" }.');
  }
  const { path, type } = request as Record<string, unknown>;
  if (typeof path !== 'string' || path.trim() === '') {
    throw new IicsInvalidArgumentError('path', `path must be the asset's full path such as "Sales/TEST/MT_Load" (got ${describe(path)}).`);
  }
  if (typeof type !== 'string' || type.trim() === '') {
    throw new IicsInvalidArgumentError('type', `type must be the asset type such as "MTT" (got ${describe(type)}).`);
  }
  return { path, type: type.toUpperCase() };
}

function cacheKey(path: string, type: string): string {
  return `${type.toUpperCase()}\n${path}`;
}

function sameType(a: string | undefined, b: string): boolean {
  return a === undefined || a.toUpperCase() === b.toUpperCase();
}

function looksLikeNotFound(error: IicsApiError): boolean {
  if (error.status === 404) return true;
  if (error.status !== 400 && error.status !== 403) return false;
  return /not (be )?found|does not exist|doesn't exist|no object|unable to find|invalid path/i.test(error.description ?? '');
}
