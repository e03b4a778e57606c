import { setMaxListeners } from 'node:events';
import { formatIssues, parseCallbackUrlResponse } from '@iics-jobs/schema';
import type { Clock } from '../clock.js';
import { deliverCallback, type DeliveryResult } from '../deliver.js';
import type { FaultState } from './faults.js';
import type { RunEngine, RunRecord } from './runs.js';

/** Sends the callbacks of ended runs with the same code and policy as `deliverCallback`. */
export class CallbackSender {
  private readonly pending = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly clock: Clock,
    private readonly schedule: readonly number[],
    private readonly faults: FaultState,
    private readonly engine: RunEngine,
    private readonly report: (problem: string) => void,
    private readonly onSettled: () => void,
  ) {
    // Every delivery in flight listens to this one signal; hundreds at once are expected.
    setMaxListeners(0, this.abort.signal);
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  send(run: RunRecord): void {
    const url = run.view.callbackURL;
    if (url === undefined || this.abort.signal.aborted) return;
    const payload = this.engine.callbackPayload(run);
    const checked = parseCallbackUrlResponse(payload);
    if (!checked.ok) this.report(`callback for ${run.view.taskName} run ${run.view.runId}: ${formatIssues(checked.errors)}`);
    const { extra, mode } = this.faults.duplicate;
    const deliverOnce = (delivery: number): Promise<DeliveryResult> =>
      deliverCallback(url, payload, {
        clock: this.clock,
        schedule: [...this.schedule],
        signal: this.abort.signal,
        onAttempt: (attempt) => run.view.callbackDeliveries.push({ ...attempt, delivery }),
      });
    const task = (async () => {
      const results: DeliveryResult[] = [];
      if (mode === 'concurrent') {
        results.push(...(await Promise.all(Array.from({ length: extra + 1 }, (_, i) => deliverOnce(i)))));
      } else {
        for (let i = 0; i <= extra; i++) results.push(await deliverOnce(i));
      }
      run.view.callbackDelivered = results.some((result) => result.delivered);
    })()
      .catch(() => {
        // Only an abort (close) ends a delivery early; what was attempted is already recorded.
      })
      .finally(() => {
        this.pending.delete(task);
        this.onSettled();
      });
    this.pending.add(task);
  }

  /** Aborts every delivery and waits until they have let go of their sockets. */
  async close(): Promise<void> {
    this.abort.abort(new Error('the fake IICS was closed'));
    await Promise.allSettled([...this.pending]);
  }
}
