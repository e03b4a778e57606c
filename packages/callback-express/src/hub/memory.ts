import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { LocalCompletions } from './local.js';
import { checkCallback, checkRef, type CompletionHub, CompletionHubError, runKey } from './types.js';

/** The hub without Redis: waits end when this process's receiver got the callback. */
export class MemoryCompletionHub implements CompletionHub {
  readonly #local: LocalCompletions;
  #closed = false;

  constructor(retainMs: number, maxRemembered: number) {
    this.#local = new LocalCompletions(retainMs, maxRemembered);
  }

  async publish(callback: CallbackUrlResponse): Promise<void> {
    checkCallback(callback);
    if (this.#closed) throw new CompletionHubError('hub_closed', 'publish: the completion hub is closed');
    this.#local.remember(callback);
    this.#local.deliver(callback);
  }

  async waitFor(ref: { taskId: string; runId: number }, signal?: AbortSignal): Promise<CallbackUrlResponse> {
    const { taskId, runId } = checkRef(ref);
    if (this.#closed) throw new CompletionHubError('hub_closed', 'waitFor: the completion hub is closed');
    const key = runKey(taskId, runId);
    const known = this.#local.recall(key);
    if (known) return known;
    return this.#local.wait(key, signal).promise;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#local.failAll(new CompletionHubError('hub_closed', 'the completion hub was closed while waiting'));
  }
}
