import { INGESTION_ROUTES } from './ingestion/types.js';
import type { FakeFaults, FakeRoute } from './types.js';

export const ROUTES: readonly FakeRoute[] = [
  'loginV2',
  'loginV3',
  'logout',
  'validSessionId',
  'serverTime',
  'job',
  'stop',
  'activityMonitor',
  'activityLog',
  'sessionLog',
  'errorLog',
  'lookup',
  'objects',
  'taskflowRun',
  'taskflowStatus',
  'taskflowTerminate',
  'taskflowResume',
  ...INGESTION_ROUTES,
  '*',
];

export type FaultAction = { kind: 'drop' } | { kind: 'fail'; status: number } | undefined;

interface Countdown {
  route: FakeRoute;
  remaining: number;
  status: number;
}

/** The faults a test asked for, consumed request by request. */
export class FaultState {
  private readonly latencies = new Map<FakeRoute, { ms: number; unit: 'real' | 'fake' }>();
  private readonly failures: Countdown[] = [];
  private readonly drops: Countdown[] = [];
  duplicate: { extra: number; mode: 'sequential' | 'concurrent' } = { extra: 0, mode: 'sequential' };

  /** The latency for a request of `route`: its own setting, else the one for every route. */
  latencyOf(route: Exclude<FakeRoute, '*'>): { ms: number; unit: 'real' | 'fake' } | undefined {
    return this.latencies.get(route) ?? this.latencies.get('*');
  }

  /** What to do with the next request of `route`; each call uses up one planned drop or failure. */
  take(route: Exclude<FakeRoute, '*'>): FaultAction {
    const drop = takeFrom(this.drops, route);
    if (drop) return { kind: 'drop' };
    const failure = takeFrom(this.failures, route);
    if (failure) return { kind: 'fail', status: failure.status };
    return undefined;
  }

  /** The faults still planned, for the dashboard. */
  pending(): { failures: Array<{ route: FakeRoute; remaining: number; status: number }>; drops: Array<{ route: FakeRoute; remaining: number }>; latencies: Array<{ route: FakeRoute; ms: number; unit: 'real' | 'fake' }>; duplicate: { extra: number; mode: 'sequential' | 'concurrent' } } {
    return {
      failures: this.failures.map(({ route, remaining, status }) => ({ route, remaining, status })),
      drops: this.drops.map(({ route, remaining }) => ({ route, remaining })),
      latencies: [...this.latencies].map(([route, latency]) => ({ route, ...latency })),
      duplicate: { ...this.duplicate },
    };
  }

  /** The public `faults` object; `expireSessions` is the server's to give. */
  api(expireSessions: () => void): FakeFaults {
    return {
      latency: (route, ms, unit = 'real') => {
        checkRoute(route);
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new RangeError(`latency ms must be a finite number >= 0, got ${String(ms)}`);
        if (unit !== 'real' && unit !== 'fake') throw new TypeError(`latency unit must be "real" or "fake", got ${String(unit)}`);
        if (ms === 0) this.latencies.delete(route);
        else this.latencies.set(route, { ms, unit });
      },
      failNext: (route, count, status = 503) => {
        checkRoute(route);
        checkCount(count, 'failNext');
        if (!Number.isInteger(status) || status < 400 || status > 599) {
          throw new RangeError(`failNext status must be an HTTP error status (400-599), got ${String(status)}`);
        }
        if (count > 0) this.failures.push({ route, remaining: count, status });
      },
      dropNext: (route, count) => {
        checkRoute(route);
        checkCount(count, 'dropNext');
        if (count > 0) this.drops.push({ route, remaining: count, status: 0 });
      },
      expireSessions,
      duplicateCallbacks: (extra, mode = 'sequential') => {
        checkCount(extra, 'duplicateCallbacks');
        if (mode !== 'sequential' && mode !== 'concurrent') {
          throw new TypeError(`duplicateCallbacks mode must be "sequential" or "concurrent", got ${String(mode)}`);
        }
        this.duplicate = { extra, mode };
      },
      reset: () => {
        this.latencies.clear();
        this.failures.length = 0;
        this.drops.length = 0;
        this.duplicate = { extra: 0, mode: 'sequential' };
      },
    };
  }
}

function takeFrom(list: Countdown[], route: FakeRoute): Countdown | undefined {
  // Planned in the order the test asked, whether for this route or for every route.
  const index = list.findIndex((entry) => entry.route === route || entry.route === '*');
  if (index < 0) return undefined;
  const entry = list[index]!;
  entry.remaining -= 1;
  if (entry.remaining <= 0) list.splice(index, 1);
  return entry;
}

function checkRoute(route: unknown): void {
  if (!ROUTES.includes(route as FakeRoute)) throw new TypeError(`route must be one of ${ROUTES.join(', ')}, got ${String(route)}`);
}

function checkCount(count: unknown, what: string): void {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new RangeError(`${what} count must be an integer >= 0, got ${String(count)}`);
  }
}
