import { OPERATION_STATUSES } from '@iics-jobs/schema';

/** The spec's operation for a request, and the status codes it lists. */
export interface ListedStatuses {
  /** "POST /api/v2/job", as the spec names the operation's path. */
  readonly operation: string;
  readonly statuses: readonly string[];
}

const OPERATIONS = Object.entries(OPERATION_STATUSES).map(([specPath, methods]) => ({
  specPath,
  pattern: new RegExp(`^${specPath.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^/}]+\\?\}/g, '[^/]+')}$`),
  methods,
}));

/**
 * The spec's operation for `method` on the fake's `path`. v2 and v3 paths are written relative to
 * `serverUrl` / `baseApiUrl` (which end in /saas; v3 login excepted), the rest as the fake serves them.
 */
export function listedStatuses(method: string, path: string): ListedStatuses | undefined {
  const candidates = path.startsWith('/saas/') ? [path.slice('/saas'.length), path] : [path];
  for (const candidate of candidates) {
    for (const operation of OPERATIONS) {
      const statuses = operation.methods[method];
      if (statuses && operation.pattern.test(candidate)) return { operation: `${method} ${operation.specPath}`, statuses };
    }
  }
  return undefined;
}

/** Whether `status` is one the operation lists, itself or by its range ("4XX") or as "default". */
export function isListed(listed: ListedStatuses, status: number): boolean {
  const code = String(status);
  return listed.statuses.includes(code) || listed.statuses.includes(`${code[0]}XX`) || listed.statuses.includes('default');
}
