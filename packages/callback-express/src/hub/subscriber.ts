/**
 * The one pub/sub connection of a Redis hub, over ioredis or node-redis without importing either.
 * Pub/sub needs a connection of its own (a subscribed connection takes no other commands), so it is a
 * `duplicate()` of the user's client, which the hub owns and closes.
 */

interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
}

interface IoRedisSubscriber extends Emitter {
  status?: string;
  subscribe(channel: string): Promise<unknown>;
  disconnect(): void;
}

interface NodeRedisSubscriber extends Emitter {
  isReady?: boolean;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  destroy?(): void;
  disconnect?(): Promise<void>;
}

export interface SubscriptionEvents {
  message(text: string): void;
  /** The connection dropped (or failed to come up; `wasUp` false): messages published from now on are missed. */
  down(reason: string, wasUp: boolean): void;
  /** Subscribed again after `down`. */
  up(): void;
}

export interface Subscription {
  /** True while the connection is up and the channel subscribed. */
  readonly live: boolean;
  /** Resolves once subscribed; may wait for a connection that is not coming (the caller bounds it). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function subscribe(client: unknown, channel: string, events: SubscriptionEvents): Subscription {
  const c = client as { call?: unknown; duplicate?: unknown } | null;
  if (c === null || typeof c !== 'object' || typeof c.duplicate !== 'function') {
    throw new TypeError('createCompletionHub: redis must be an ioredis or node-redis client (one with duplicate())');
  }
  // ioredis has call(); node-redis has sendCommand() and no call() (the same test RedisStore makes).
  return typeof c.call === 'function'
    ? ioredisSubscription((c.duplicate as () => IoRedisSubscriber).call(client), channel, events)
    : nodeRedisSubscription((c.duplicate as () => NodeRedisSubscriber).call(client), channel, events);
}

/** Up/down bookkeeping shared by both clients: `down` is reported once per outage, `up` once per recovery. */
function tracker(events: SubscriptionEvents): { live: () => boolean; up(): void; down(reason: string): void; closed: () => boolean; close(): void } {
  let live = false;
  let wasLive = false;
  let closed = false;
  return {
    live: () => live && !closed,
    closed: () => closed,
    up() {
      if (closed || live) return;
      live = true;
      if (wasLive) events.up();
      wasLive = true;
    },
    down(reason) {
      // Reported even when it was not up yet: a wait may be counting on a subscription still being made.
      if (closed) return;
      const was = live;
      live = false;
      events.down(reason, was);
    },
    close() {
      closed = true;
      live = false;
    },
  };
}

function ioredisSubscription(sub: IoRedisSubscriber, channel: string, events: SubscriptionEvents): Subscription {
  const state = tracker(events);
  let lastError = '';
  // Without an error listener ioredis prints every failed reconnect.
  sub.on('error', (error: Error) => {
    lastError = error.message;
  });
  sub.on('message', (from: string, text: string) => {
    if (from === channel) events.message(text);
  });
  sub.on('close', () => state.down(`the Redis connection closed${lastError ? ` (${lastError})` : ''}`));
  sub.on('end', () => state.down('the Redis connection ended'));
  // ioredis resubscribes by itself on reconnect; subscribing here too gives us the moment it is confirmed.
  const confirm = (): Promise<void> =>
    sub.subscribe(channel).then(() => {
      if (sub.status === undefined || sub.status === 'ready') state.up();
    });
  sub.on('ready', () => {
    if (!state.closed()) confirm().catch(() => undefined);
  });
  let first: Promise<void> | undefined;
  return {
    get live() {
      return state.live();
    },
    ready: () => {
      if (state.live()) return Promise.resolve();
      first ??= confirm().finally(() => {
        first = undefined;
      });
      return first;
    },
    close: async () => {
      state.close();
      sub.disconnect();
    },
  };
}

function nodeRedisSubscription(sub: NodeRedisSubscriber, channel: string, events: SubscriptionEvents): Subscription {
  const state = tracker(events);
  const listener = (text: string, from: string): void => {
    if (from === channel) events.message(text);
  };
  // node-redis throws an 'error' event that has no listener: a Redis outage would crash the process.
  sub.on('error', (error: Error) => state.down(`the Redis connection failed (${error.message})`));
  sub.on('reconnecting', () => state.down('the Redis connection is reconnecting'));
  sub.on('end', () => state.down('the Redis connection ended'));
  // node-redis resubscribes on reconnect; a second subscribe with the same listener costs nothing.
  sub.on('ready', () => {
    if (subscribed && !state.closed()) sub.subscribe(channel, listener).then(() => state.up(), () => undefined);
  });
  let subscribed = false;
  let connecting: Promise<void> | undefined;
  return {
    get live() {
      return state.live() && sub.isReady !== false;
    },
    ready: () => {
      if (state.live() && sub.isReady !== false) return Promise.resolve();
      connecting ??= (async () => {
        if (!subscribed) {
          await sub.connect();
          await sub.subscribe(channel, listener);
          subscribed = true;
        }
        if (sub.isReady !== false) state.up();
        else throw new Error('the Redis subscriber is not connected');
      })().finally(() => {
        connecting = undefined;
      });
      return connecting;
    },
    close: async () => {
      state.close();
      if (typeof sub.destroy === 'function') sub.destroy();
      else await sub.disconnect?.().catch(() => undefined);
    },
  };
}
