import { formatIssues, parseCallbackUrlResponse } from '@iics-jobs/schema';
import type { Clock } from '../clock.js';
import { createDeliveryAgents, deliverWith, type DeliveryResult } from '../deliver.js';
import type { FaultState } from './faults.js';
import type { RunEngine, RunRecord } from './runs.js';

/** Sends the callbacks of ended runs with the same code and policy as `deliverCallback`. */
export class CallbackSender {
  private readonly pending = new Set<Promise<void>>();
  // One controller per delivery rather than one shared signal: every attempt and every wait adds an
  // abort listener, and adding one to a signal costs as much as the listeners it already has
  // (10,000 runs at once made that quadratic).
  private readonly deliveries = new Set<AbortController>();
  private closed = false;
  // Attempts reuse connections to a receiver, as a long-running sender would.
  private readonly agents = createDeliveryAgents();

  constructor(
    private readonly clock: Clock,
    private readonly schedule: readonly number[],
    private readonly faults: FaultState,
    private readonly engine: RunEngine,
    private readonly report: (problem: string) => void,
    private readonly onSettled: () => void,
  ) {}

  get busy(): boolean {
    return this.pending.size > 0;
  }

  send(run: RunRecord): void {
    const url = run.view.callbackURL;
    if (url === undefined || this.closed) return;
    const payload = this.engine.callbackPayload(run);
    const checked = parseCallbackUrlResponse(payload);
    if (!checked.ok) this.report(`callback for ${run.view.taskName} run ${run.view.runId}: ${formatIssues(checked.errors)}`);
    const { extra, mode } = this.faults.duplicate;
    const deliverOnce = async (delivery: number): Promise<DeliveryResult> => {
      const controller = new AbortController();
      this.deliveries.add(controller);
      try {
        return await deliverWith(
          url,
          payload,
          {
            clock: this.clock,
            schedule: [...this.schedule],
            signal: controller.signal,
            onAttempt: (attempt) => run.view.callbackDeliveries.push({ ...attempt, delivery }),
          },
          this.agents,
        );
      } finally {
        this.deliveries.delete(controller);
      }
    };
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
    this.closed = true;
    const reason = new Error('the fake IICS was closed');
    for (const controller of this.deliveries) controller.abort(reason);
    await Promise.allSettled([...this.pending]);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
