import { AsyncResource } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

/** Fake time: epoch milliseconds of the fake clock, running `1 / timeScale` times as fast as real time. */
export interface Clock {
  now(): number;
  /** Calls `fn` once `fakeMs` of fake time have passed. */
  setTimeout(fn: () => void, fakeMs: number): { cancel(): void };
  /** Resolves after `fakeMs` of fake time; rejects with the signal's reason when it aborts. */
  sleep(fakeMs: number, signal?: AbortSignal): Promise<void>;
  /** Real ms per fake ms: 0.001 plays a fake second in a real millisecond; 1 is real time. */
  readonly timeScale: number;
}

export interface CreateClockOptions {
  /** Real ms per fake ms (default 1). 0.001 makes the clock 1000 times as fast as real time. */
  timeScale?: number;
  /** The fake time to start at (default: the real current time). */
  start?: number | Date;
}

const MAX_REAL_DELAY_MS = 2 ** 31 - 1;

interface PendingTimer {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock whose time runs `1 / timeScale` times as fast as real time.
 *
 * Its time never passes a timer that has not fired yet: `now()` stops at the earliest pending
 * due time until that timer runs, and inside a timer's callback `now()` is exactly the due time.
 * So what a test observes at a timer (a run's end, a callback attempt) is deterministic, even
 * though a real timer at 1000x speed fires a few fake seconds late.
 */
export function createClock(options: CreateClockOptions = {}): Clock {
  const timeScale = options.timeScale ?? 1;
  if (typeof timeScale !== 'number' || !Number.isFinite(timeScale) || timeScale <= 0) {
    throw new RangeError(`timeScale must be a finite number above 0 (real ms per fake ms, e.g. 0.001), got ${String(timeScale)}`);
  }
  const start = options.start instanceof Date ? options.start.getTime() : (options.start ?? Date.now());
  if (typeof start !== 'number' || !Number.isFinite(start)) {
    throw new RangeError(`start must be a valid Date or epoch milliseconds, got ${String(options.start)}`);
  }
  return new ScaledClock(timeScale, start);
}

class ScaledClock implements Clock {
  readonly timeScale: number;
  private baseFake: number;
  private baseReal = performance.now();
  private lastReturned: number;
  private readonly queue: PendingTimer[] = [];
  private seq = 0;
  private realTimer: NodeJS.Timeout | undefined;
  private realTimerDue = Infinity;
  private firing: number | undefined;

  constructor(timeScale: number, start: number) {
    this.timeScale = timeScale;
    this.baseFake = start;
    this.lastReturned = start;
    // Callers pass `clock.now` around on its own.
    this.now = this.now.bind(this);
    this.setTimeout = this.setTimeout.bind(this);
    this.sleep = this.sleep.bind(this);
  }

  now(): number {
    // Inside a timer's callback, time is exactly that timer's due time.
    if (this.firing !== undefined) return this.firing;
    let t = Math.floor(this.uncapped());
    const next = this.queue[0];
    if (next && t > next.due) t = next.due;
    // Rounding of the real clock must never make fake time go back.
    if (t < this.lastReturned) t = this.lastReturned;
    this.lastReturned = t;
    return t;
  }

  setTimeout(fn: () => void, fakeMs: number): { cancel(): void } {
    const ms = Number.isFinite(fakeMs) && fakeMs > 0 ? fakeMs : 0;
    return this.setTimeoutAt(fn, this.now() + ms);
  }

  /**
   * Runs `fn` at the fake time `dueAt` (at once if it has passed). Not part of Clock: the fake
   * uses it when present, because `now() + (dueAt - now())` drifts when two reads differ.
   */
  setTimeoutAt(fn: () => void, dueAt: number): { cancel(): void } {
    if (typeof fn !== 'function') throw new TypeError('setTimeout needs a function');
    // Bound to the caller's async context, as a real setTimeout is: otherwise every callback would run in the
    // context of whatever armed the shared real timer last (a trace of one job would adopt another job's callback).
    const timer: PendingTimer = { due: Math.max(dueAt, this.now()), seq: this.seq++, fn: AsyncResource.bind(fn), cancelled: false };
    this.insert(timer);
    this.arm();
    return {
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        const index = this.queue.indexOf(timer);
        if (index >= 0) this.queue.splice(index, 1);
        this.arm();
      },
    };
  }

  sleep(fakeMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, fakeMs, signal);
  }

  private uncapped(): number {
    return this.baseFake + (performance.now() - this.baseReal) / this.timeScale;
  }

  private insert(timer: PendingTimer): void {
    // Ordered by due time, then by creation, so equal due times fire in the order they were set.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.queue[mid]!;
      if (other.due < timer.due || (other.due === timer.due && other.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, timer);
  }

  private arm(): void {
    const next = this.queue[0];
    if (!next) {
      if (this.realTimer) clearTimeout(this.realTimer);
      this.realTimer = undefined;
      this.realTimerDue = Infinity;
      return;
    }
    if (this.realTimer && this.realTimerDue === next.due) return;
    if (this.realTimer) clearTimeout(this.realTimer);
    // Node fires delays above 2^31 - 1 ms at once; a longer wait is re-armed when that one ends.
    const realDelay = Math.min(Math.max(0, (next.due - this.uncapped()) * this.timeScale), MAX_REAL_DELAY_MS);
    this.realTimerDue = next.due;
    this.realTimer = setTimeout(() => this.fire(), Math.ceil(realDelay));
  }

  private fire(): void {
    this.realTimer = undefined;
    this.realTimerDue = Infinity;
    const reached = this.uncapped();
    const realNow = performance.now();
    // Only the timers due now; timers they set run on a later turn so I/O is not starved.
    const ready: PendingTimer[] = [];
    while (this.queue.length > 0 && this.queue[0]!.due <= reached) ready.push(this.queue.shift()!);
    if (ready.length === 0 && this.queue.length > 0 && (this.queue[0]!.due - reached) * this.timeScale <= 1) {
      // The real timer fired within a real millisecond of the due time (rounding): that is due.
      ready.push(this.queue.shift()!);
    }
    for (const timer of ready) {
      if (timer.cancelled) continue;
      timer.cancelled = true;
      // Fake time restarts from the due time: the lateness of the real timer is not fake time.
      this.baseFake = Math.max(timer.due, this.lastReturned);
      this.baseReal = realNow;
      this.firing = this.baseFake;
      try {
        timer.fn();
      } catch (error) {
        // A throwing callback must not stop the other timers; report it the way Node reports timer errors.
        queueMicrotask(() => {
          throw error;
        });
      } finally {
        this.firing = undefined;
      }
    }
    this.arm();
  }
}

/** A clock that only moves when told to: for tests that check what the fake shows at an exact time. */
export interface ManualClock extends Clock {
  /** Moves fake time forward by `fakeMs`, running every timer that falls due, in order, at its due time. */
  advance(fakeMs: number): void;
}

/**
 * A clock whose time stands still until `advance()`. Its `timeScale` is 1, so a callback
 * attempt's answer timeout is 30 s of real time.
 */
export function createManualClock(options: { start?: number | Date } = {}): ManualClock {
  const startAt = options.start instanceof Date ? options.start.getTime() : (options.start ?? Date.now());
  if (typeof startAt !== 'number' || !Number.isFinite(startAt)) {
    throw new RangeError(`start must be a valid Date or epoch milliseconds, got ${String(options.start)}`);
  }
  let current = startAt;
  let seq = 0;
  const queue: PendingTimer[] = [];
  const clock: ManualClock = {
    timeScale: 1,
    now: () => current,
    setTimeout(fn, fakeMs) {
      if (typeof fn !== 'function') throw new TypeError('setTimeout needs a function');
      const due = current + (Number.isFinite(fakeMs) && fakeMs > 0 ? fakeMs : 0);
      const timer: PendingTimer = { due, seq: seq++, fn: AsyncResource.bind(fn), cancelled: false };
      queue.push(timer);
      queue.sort((a, b) => a.due - b.due || a.seq - b.seq);
      return {
        cancel() {
          timer.cancelled = true;
          const index = queue.indexOf(timer);
          if (index >= 0) queue.splice(index, 1);
        },
      };
    },
    sleep: (fakeMs, signal) => sleepOn(clock, fakeMs, signal),
    advance(fakeMs) {
      if (typeof fakeMs !== 'number' || !Number.isFinite(fakeMs) || fakeMs < 0) {
        throw new RangeError(`advance needs a finite number of fake ms >= 0, got ${String(fakeMs)}`);
      }
      const target = current + fakeMs;
      while (queue.length > 0 && queue[0]!.due <= target) {
        const timer = queue.shift()!;
        current = timer.due;
        timer.cancelled = true;
        timer.fn();
      }
      current = target;
    },
  };
  return clock;
}

function sleepOn(clock: Pick<Clock, 'setTimeout'>, fakeMs: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      handle.cancel();
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, fakeMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
