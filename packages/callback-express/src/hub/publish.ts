import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { type CallbackLogger, errorFields } from '../logger.js';
import { delay } from '../timeout.js';
import type { CompletionHub } from './types.js';

// Backoff while Redis refuses the publish; a wait on another replica polls meanwhile.
const RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/**
 * What the receiver does after `onCallback` succeeded: tell the hub, without delaying the answer
 * to IICS. A publish that fails is retried for up to `giveUpMs`, so waits that begin after Redis is
 * back still find the callback; it never fails the callback itself (that was processed).
 */
export async function publishCompletion(hub: Pick<CompletionHub, 'publish'>, callback: CallbackUrlResponse, logger: CallbackLogger, giveUpMs: number): Promise<void> {
  const giveUpAt = Date.now() + giveUpMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await hub.publish(callback);
      if (attempt > 0) logger.info({ objectId: callback.objectId, runId: callback.runId }, 'IICS completion published on retry');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'hub_closed' || Date.now() >= giveUpAt) {
        logger.error({ objectId: callback.objectId, runId: callback.runId, ...errorFields(error) }, 'IICS completion not published; waits for it end by polling');
        return;
      }
      if (attempt === 0) {
        logger.warn({ objectId: callback.objectId, runId: callback.runId, ...errorFields(error) }, 'IICS completion publish failed; retrying in the background');
      }
    }
    await delay(RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)] ?? 5_000);
  }
}
