import { parseObjectsResponse, type ObjectsEntry, type ObjectsResponse } from '@iics-jobs/schema';
import { v3Time } from '../../time.js';
import { exactPath, type FakeContext, type RouteDefinition } from '../context.js';
import { ERROR_CODES, v3Error, type RouteResult } from '../errors.js';
import { assets } from '../routes/lookup.js';
import { parseQuery, type ObjectFacts } from './query.js';

/** The documented page size limit. */
export const MAX_OBJECTS_LIMIT = 200;
// IICS's default page size is not documented; the fake answers the most it may.
const DEFAULT_LIMIT = MAX_OBJECTS_LIMIT;
// IICS's code for an unknown location, from a real answer.
const UNKNOWN_LOCATION_CODE = 'V3API_ObjectsListError_03';
const WEEK_MS = 7 * 86_400_000;

export const objectsRoute: RouteDefinition = {
  route: 'objects',
  family: 'v3',
  method: 'GET',
  auth: true,
  match: exactPath('/saas/public/core/v3/objects'),
  validate: parseObjectsResponse,
  handle(ctx, request): RouteResult {
    if (ctx.objectsRateLimit?.take(ctx.clock.now()) === false) {
      // The documented answer of its dynamic rate limit.
      return v3Error(429, ERROR_CODES.tooManyRequests, 'too many requests');
    }
    const limit = integerParam(request.query, 'limit', DEFAULT_LIMIT, 1, MAX_OBJECTS_LIMIT);
    if (typeof limit === 'string') return v3Error(400, ERROR_CODES.badRequest, limit);
    const skip = integerParam(request.query, 'skip', 0, 0, Number.MAX_SAFE_INTEGER);
    if (typeof skip === 'string') return v3Error(400, ERROR_CODES.badRequest, skip);
    const query = parseQuery(request.query.get('q') ?? '');
    if (!query.ok) return v3Error(400, ERROR_CODES.badRequest, query.message);

    const entries = assets(ctx).map((asset) => entry(ctx, asset));
    const containers = new Set(entries.filter((e) => e.type === 'PROJECT' || e.type === 'FOLDER').map((e) => e.path));
    const unknown = query.locations.find((location) => !containers.has(location));
    if (unknown !== undefined) {
      return v3Error(400, UNKNOWN_LOCATION_CODE, `Invalid query parameter: Unable to find location : ${unknown.slice(0, 300)} specified.`);
    }
    const selected = entries
      .filter((e) => query.conditions.every((test) => test(facts(e))))
      // A stable order, so that pages with skip neither repeat nor miss an asset.
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    const body: ObjectsResponse = { count: selected.length, objects: selected.slice(skip, skip + limit) };
    return { status: 200, body };
  },
};

function entry(ctx: FakeContext, asset: { id: string; path: string; type: string }): ObjectsEntry {
  return {
    id: asset.id,
    path: asset.path,
    type: asset.type,
    description: '',
    updatedBy: ctx.users[0]!.username,
    // The same time lookup answers for the asset.
    updateTime: ctx.stableId(`updated:${asset.id}`, () => v3Time(ctx.clock.now() - WEEK_MS)),
    tags: [],
    sourceControl: null,
    customAttributes: null,
  };
}

function facts(e: ObjectsEntry): ObjectFacts {
  return { path: e.path, type: e.type, updatedBy: e.updatedBy ?? '', updateTime: Date.parse(e.updateTime ?? ''), tags: e.tags ?? [] };
}

function integerParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number | string {
  const text = query.get(name);
  if (text === null) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    return `${name} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got "${text.slice(0, 40)}".`;
  }
  return Number(text);
}
