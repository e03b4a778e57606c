import { parseCallbackUrlResponse, type CallbackUrlResponse } from '@iics-jobs/schema';
import { type CallbackLogger, errorFields } from '../logger.js';
import { commandSender, type RedisClientLike } from '../store/redis.js';
import { withTimeout } from '../timeout.js';
import { LocalCompletions } from './local.js';
import { subscribe, type Subscription } from './subscriber.js';
import { checkCallback, checkRef, type CompletionHub, CompletionHubError, runKey } from './types.js';

export interface RedisHubSettings {
  redis: RedisClientLike;
  prefix: string;
  retainMs: number;
  maxRemembered: number;
  redisTimeoutMs: number;
  logger: CallbackLogger;
}

/**
 * The hub shared by replicas. A callback is `SET <prefix>run:<task>:<run>` (kept `retainMs`, for
 * waits that begin later) and then `PUBLISH <prefix>completed` (for waits already running). A wait
 * subscribes first and reads the key second, so whichever order the two sides run in, it sees one of
 * them. While Redis cannot be reached, waits are handed back (`hub_unavailable`) so the client polls.
 */
export class RedisCompletionHub implements CompletionHub {
  readonly #local: LocalCompletions;
  readonly #send: (args: string[]) => Promise<unknown>;
  readonly #settings: RedisHubSettings;
  readonly #channel: string;
  #subscription: Subscription | undefined;
  #closed = false;
  // Log a Redis failure once per outage, not once per wait.
  #failing = false;

  constructor(settings: RedisHubSettings) {
    this.#settings = settings;
    this.#send = commandSender(settings.redis, 'createCompletionHub');
    if (typeof (settings.redis as { duplicate?: unknown }).duplicate !== 'function') {
      throw new TypeError('createCompletionHub: redis must be an ioredis or node-redis client; it needs duplicate() for pub/sub');
    }
    this.#local = new LocalCompletions(settings.retainMs, settings.maxRemembered);
    this.#channel = `${settings.prefix}completed`;
  }

  async publish(callback: CallbackUrlResponse): Promise<void> {
    checkCallback(callback);
    if (this.#closed) throw new CompletionHubError('hub_closed', 'publish: the completion hub is closed');
    // Waits in this process end now, whatever Redis does.
    this.#local.remember(callback);
    this.#local.deliver(callback);
    const text = JSON.stringify(callback);
    const { redisTimeoutMs, retainMs } = this.#settings;
    try {
      await withTimeout(this.#send(['SET', this.#key(callback.objectId, callback.runId), text, 'PX', String(Math.ceil(retainMs))]), redisTimeoutMs, 'Redis SET');
      await withTimeout(this.#send(['PUBLISH', this.#channel, text]), redisTimeoutMs, 'Redis PUBLISH');
      this.#recovered();
    } catch (error) {
      throw this.#unavailable(error, `publish of run ${callback.runId} of task ${callback.objectId}`);
    }
  }

  async waitFor(ref: { taskId: string; runId: number }, signal?: AbortSignal): Promise<CallbackUrlResponse> {
    const { taskId, runId } = checkRef(ref);
    if (this.#closed) throw new CompletionHubError('hub_closed', 'waitFor: the completion hub is closed');
    const known = this.#local.recall(runKey(taskId, runId));
    if (known) return known;
    const wait = this.#local.wait(runKey(taskId, runId), signal);
    if (signal?.aborted) return wait.promise;
    void (async () => {
      const { redisTimeoutMs } = this.#settings;
      try {
        await withTimeout(this.#subscribed().ready(), redisTimeoutMs, 'the Redis subscription');
        // Subscribed before reading: a callback published after this GET reaches us by the channel.
        const stored = await withTimeout(this.#send(['GET', this.#key(taskId, runId)]), redisTimeoutMs, 'Redis GET');
        this.#recovered();
        const callback = stored === null || stored === undefined ? undefined : this.#parse(String(stored));
        if (callback) this.#local.deliver(callback);
      } catch (error) {
        wait.fail(this.#unavailable(error, `wait for run ${runId} of task ${taskId}`));
      }
    })();
    return wait.promise;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#local.failAll(new CompletionHubError('hub_closed', 'the completion hub was closed while waiting'));
    await this.#subscription?.close();
  }

  #key(taskId: string, runId: number): string {
    return `${this.#settings.prefix}run:${runKey(taskId, runId)}`;
  }

  #subscribed(): Subscription {
    this.#subscription ??= subscribe(this.#settings.redis, this.#channel, {
      message: (text) => {
        const callback = this.#parse(text);
        if (callback) this.#local.deliver(callback);
      },
      down: (reason, wasUp) => {
        const waiting = this.#local.waiting;
        // Once per outage: a reconnect loop reports every failed attempt.
        if (wasUp || !this.#failing) {
          this.#settings.logger.warn(
            { reason, waiting },
            'IICS completion hub lost Redis; the waits in progress fall back to polling, new waits too until it is back',
          );
        }
        this.#failing = true;
        if (waiting > 0) this.#local.failAll(new CompletionHubError('hub_unavailable', `${reason}; the wait falls back to polling`));
      },
      up: () => this.#recovered(),
    });
    return this.#subscription;
  }

  #parse(text: string): CallbackUrlResponse | undefined {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const parsed = parseCallbackUrlResponse(value);
    if (parsed.ok) return parsed.value;
    this.#settings.logger.warn({ channel: this.#channel }, 'IICS completion hub ignored a message that is not a callbackUrlResponse');
    return undefined;
  }

  #unavailable(error: unknown, what: string): CompletionHubError {
    const message = error instanceof Error ? error.message : String(error);
    if (!this.#failing) {
      this.#failing = true;
      this.#settings.logger.warn({ ...errorFields(error) }, `IICS completion hub cannot reach Redis (${what}); waits fall back to polling`);
    }
    return new CompletionHubError('hub_unavailable', `Redis did not answer (${message}); the wait falls back to polling`, { cause: error });
  }

  #recovered(): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#settings.logger.info({}, 'IICS completion hub reaches Redis again; waits end on callbacks again');
  }
}
