import { TASK_TYPES } from '@iics-jobs/schema';
import { IicsInvalidArgumentError, IicsTaskNotFoundError } from '../errors.js';
import type { CallOptions } from '../lookup.js';
import { describe } from '../options.js';
import type { TaskObject, TaskObjects } from './list.js';

/** One part of a pattern between slashes. */
type Segment = { kind: 'literal'; text: string } | { kind: 'glob'; test: RegExp } | { kind: 'any' };

const CONTAINERS = new Set(['PROJECT', 'FOLDER']);
const RUNNABLE = new Set<string>(TASK_TYPES);

/** Whether `text` holds a wildcard: then it is a pattern, not a path. */
export function isPattern(text: string): boolean {
  return /[*?]/.test(text);
}

/**
 * The tasks whose paths match `pattern`: `*` and `?` within one part of the path, `**` for any
 * number of folders (`Sales/**`, `Sales/**\/MT_*`). Without `type`, the assets the job resource
 * can run (TASK_TYPES); with it, assets of that type. It walks the folders with v3 objects'
 * `location` filter, so only the folders a pattern can reach are listed. No match is an error
 * naming the pattern.
 */
export async function matchTasks(objects: TaskObjects, pattern: unknown, type: unknown, options: CallOptions = {}): Promise<TaskObject[]> {
  const segments = compile(pattern);
  const wanted = checkType(type);
  const found = new Map<string, TaskObject>();
  const listings = new Map<string, Promise<TaskObject[]>>();

  const children = (location: string | undefined, typeFilter?: string): Promise<TaskObject[]> => {
    const key = `${typeFilter ?? ''}\n${location ?? ''}`;
    let listing = listings.get(key);
    if (!listing) {
      const filter = location === undefined ? { type: 'PROJECT' } : { folder: location, ...(typeFilter ? { type: typeFilter } : {}) };
      // A folder the pattern names that does not exist holds nothing: the pattern may match elsewhere.
      listing = objects.list(filter, options).catch((error: unknown) => {
        if (error instanceof IicsTaskNotFoundError) return [];
        throw error;
      });
      listings.set(key, listing);
    }
    return listing;
  };
  const accepts = (asset: TaskObject): boolean => {
    const t = asset.type.toUpperCase();
    return wanted !== undefined ? t === wanted : RUNNABLE.has(t);
  };
  const isContainer = (asset: TaskObject): boolean => CONTAINERS.has(asset.type.toUpperCase());

  const walk = async (location: string | undefined, index: number): Promise<void> => {
    if (index === segments.length) return;
    const segment = segments[index]!;
    const last = index === segments.length - 1;
    if (segment.kind === 'any') {
      await walk(location, index + 1);
      for (const child of await children(location)) {
        if (isContainer(child)) await walk(child.path, index);
        else if (last && location !== undefined && accepts(child)) found.set(child.id, child);
      }
      return;
    }
    if (segment.kind === 'literal' && !last) {
      await walk(location === undefined ? segment.text : `${location}/${segment.text}`, index + 1);
      return;
    }
    // The last part needs no folders from the listing, so IICS may filter by type.
    const listing = await children(location, last && location !== undefined ? wanted : undefined);
    for (const child of listing) {
      const name = child.name;
      if (segment.kind === 'literal' ? name !== segment.text : !segment.test.test(name)) continue;
      if (last) {
        if (location !== undefined && accepts(child)) found.set(child.id, child);
      } else if (isContainer(child)) {
        await walk(child.path, index + 1);
      }
    }
  };

  await walk(undefined, 0);
  if (found.size === 0) {
    throw new IicsTaskNotFoundError(`No ${wanted ?? 'task'} matches the pattern "${pattern as string}".`, {
      task: { pattern: pattern as string, ...(wanted ? { taskType: wanted } : {}) },
    });
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function compile(pattern: unknown): Segment[] {
  if (typeof pattern !== 'string' || pattern.trim() === '') {
    throw new IicsInvalidArgumentError('pattern', `pattern must be a path pattern such as "Sales/*/MT_Load_?" (got ${describe(pattern)}).`);
  }
  const parts = pattern.split('/');
  if (parts.some((part) => part === '')) {
    throw new IicsInvalidArgumentError('pattern', `pattern "${pattern}" has an empty part: write it like "Project/Folder/Task", without a leading, trailing or double "/".`);
  }
  return parts.map((part) => {
    if (part === '**') return { kind: 'any' };
    if (part.includes('**')) throw new IicsInvalidArgumentError('pattern', `In "${pattern}", "**" must be a whole part of the path (like "Sales/**/MT_*").`);
    if (!isPattern(part)) return { kind: 'literal', text: part };
    const source = [...part].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
    return { kind: 'glob', test: new RegExp(`^${source}$`, 'u') };
  });
}

function checkType(type: unknown): string | undefined {
  if (type === undefined) return undefined;
  if (typeof type !== 'string' || type.trim() === '') {
    throw new IicsInvalidArgumentError('type', `type must be an asset type such as "MTT" (got ${describe(type)}).`);
  }
  return type.toUpperCase();
}
