import type { Clock } from '../clock.js';

/** The fake's own timers on a clock that may be shared, so that close() cancels exactly those. */
export class TimerGroup {
  private readonly pending = new Set<{ cancel(): void }>();

  constructor(readonly clock: Clock) {}

  set(fn: () => void, fakeMs: number): { cancel(): void } {
    return this.track((run) => this.clock.setTimeout(run, fakeMs), fn);
  }

  /** Runs `fn` at the fake epoch time `at` (at once if that has passed). */
  at(fn: () => void, at: number): { cancel(): void } {
    const clock = this.clock as Clock & { setTimeoutAt?: (fn: () => void, at: number) => { cancel(): void } };
    if (typeof clock.setTimeoutAt === 'function') return this.track((run) => clock.setTimeoutAt!(run, at), fn);
    return this.set(fn, at - clock.now());
  }

  private track(schedule: (run: () => void) => { cancel(): void }, fn: () => void): { cancel(): void } {
    const handle = schedule(() => {
      this.pending.delete(handle);
      fn();
    });
    this.pending.add(handle);
    return {
      cancel: () => {
        this.pending.delete(handle);
        handle.cancel();
      },
    };
  }

  cancelAll(): void {
    for (const handle of this.pending) handle.cancel();
    this.pending.clear();
  }
}
