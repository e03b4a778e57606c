import { LookupRequest, formatIssues, parseLookupRequest, parseLookupResponse } from '@iics-jobs/schema';
import type { LookupObject, LookupResponse } from '@iics-jobs/schema';
import { federatedId } from '../../ids.js';
import { v3Time } from '../../time.js';
import { exactPath, type FakeContext, type RouteDefinition } from '../context.js';
import { ERROR_CODES, v3Error, type RouteResult } from '../errors.js';
import { readRequestBody } from '../request-body.js';

interface Asset {
  id: string;
  path: string;
  type: string;
}

/** Every asset the fake knows: its tasks, and the projects and folders their paths name. */
export function assets(ctx: FakeContext): Asset[] {
  const list: Asset[] = [];
  const containers = new Set<string>();
  for (const task of ctx.catalog.list) {
    list.push({ id: task.federatedId, path: task.path, type: task.type });
    const parts = task.path.split('/');
    for (let i = 1; i < parts.length; i++) containers.add(parts.slice(0, i).join('/'));
  }
  for (const path of containers) {
    const type = path.includes('/') ? 'FOLDER' : 'PROJECT';
    list.push({ id: ctx.stableId(`asset:${path}`, federatedId), path, type });
  }
  return list;
}

export const lookupRoute: RouteDefinition = {
  route: 'lookup',
  family: 'v3',
  method: 'POST',
  auth: true,
  match: exactPath('/saas/public/core/v3/lookup'),
  validate: parseLookupResponse,
  handle(ctx, request): RouteResult {
    const parsed = readRequestBody(ctx, request, LookupRequest, parseLookupRequest);
    if (!parsed.ok) return v3Error(400, ERROR_CODES.badRequest, `Invalid lookup request: ${formatIssues(parsed.errors)}`);
    const known = assets(ctx);
    const found: LookupObject[] = [];
    for (const [i, wanted] of parsed.value.objects.entries()) {
      // The request schema's oneOf lets through exactly one of: id, or path with type.
      // Object types are not case sensitive.
      const asset =
        wanted.id !== undefined
          ? known.find((a) => a.id === wanted.id)
          : known.find((a) => a.path === wanted.path && a.type === wanted.type!.toUpperCase());
      if (!asset) {
        if (ctx.lookupMissing === 'omit') continue;
        const what = wanted.id !== undefined ? `id ${wanted.id}` : `path ${wanted.path} of type ${wanted.type}`;
        return v3Error(404, ERROR_CODES.notFound, `objects/${i}: no object with ${what.slice(0, 300)} exists.`);
      }
      found.push({
        id: asset.id,
        path: asset.path,
        type: asset.type,
        description: '',
        updatedBy: ctx.users[0]!.username,
        updateTime: ctx.stableId(`updated:${asset.id}`, () => v3Time(ctx.clock.now() - 7 * 86_400_000)),
      });
    }
    const body: LookupResponse = { objects: found };
    return { status: 200, body };
  },
};
