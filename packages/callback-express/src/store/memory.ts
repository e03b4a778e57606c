import type { CallbackStore, ClaimResult } from './types.js';

export interface MemoryStoreOptions {
  /** Most keys kept at once (default 100,000); past it the least recently used done or expired key goes. */
  maxEntries?: number;
  /** The clock, in epoch ms (default `Date.now`); tests pass a fake one. */
  now?: () => number;
}

interface Entry {
  state: 'claimed' | 'done';
  /** The claim holder's token; a done mark keeps none (100,000 tokens would cost tens of MB). */
  token: string;
  expiresAt: number;
}

const NO_TOKEN = '';

/** Thrown by `MemoryStore.claim` when every kept key is a live claim, so none can make room. */
export class MemoryStoreFullError extends Error {
  override readonly name = 'MemoryStoreFullError';
  readonly code = 'MEMORY_STORE_FULL';
}

/** A store's claim, release and markDone answered at once, without a promise. */
export interface SyncStore {
  claim(key: string, token: string, leaseMs: number): ClaimResult;
  release(key: string, token: string): boolean;
  markDone(key: string, token: string, ttlMs: number): boolean;
}

let syncOf: (store: MemoryStore) => SyncStore;

/**
 * The synchronous calls of a MemoryStore, for the receiver (not exported from the package): a map in
 * this process needs no store timeout, and skipping the promise and the timer each store call gets
 * is a good part of the receiver's time per request. Undefined for any other store, and for a
 * MemoryStore subclass or instance whose methods were replaced, so that those are called as written.
 */
export function syncStoreOf(store: CallbackStore): SyncStore | undefined {
  if (!(store instanceof MemoryStore)) return undefined;
  const proto = MemoryStore.prototype;
  if (store.claim !== proto.claim || store.release !== proto.release || store.markDone !== proto.markDone) return undefined;
  return syncOf(store);
}

/**
 * The default store: a bounded LRU map with a TTL per key, for a receiver that runs as one process.
 * It forgets everything on restart, and replicas do not share it: use `RedisStore` for those.
 */
export class MemoryStore implements CallbackStore {
  readonly maxEntries: number;
  readonly #now: () => number;
  // A Map iterates in insertion order; moving a key to the end on use makes the first key the least recently used.
  readonly #entries = new Map<string, Entry>();
  #cursor: MapIterator<[string, Entry]> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const { maxEntries = 100_000, now = Date.now } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`MemoryStore: maxEntries must be a positive integer, got ${String(maxEntries)}`);
    }
    if (typeof now !== 'function') throw new TypeError('MemoryStore: now must be a function returning epoch milliseconds');
    this.maxEntries = maxEntries;
    this.#now = now;
  }

  /** Keys held now, counting expired ones not yet swept. */
  get size(): number {
    return this.#entries.size;
  }

  /** What the store holds for a key, for tests and diagnostics. */
  peek(key: string): 'claimed' | 'done' | undefined {
    const entry = this.#live(key, false);
    return entry?.state;
  }

  claim(key: string, token: string, leaseMs: number): Promise<ClaimResult> {
    try {
      return Promise.resolve(this.#claim(key, token, leaseMs));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  release(key: string, token: string): Promise<boolean> {
    return Promise.resolve(this.#release(key, token));
  }

  markDone(key: string, token: string, ttlMs: number): Promise<boolean> {
    try {
      return Promise.resolve(this.#markDone(key, token, ttlMs));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  extend(key: string, token: string, leaseMs: number): Promise<boolean> {
    const entry = this.#live(key, false);
    if (!entry || entry.state !== 'claimed' || entry.token !== token) return Promise.resolve(false);
    entry.expiresAt = this.#now() + leaseMs;
    return Promise.resolve(true);
  }

  // The synchronous cores, which the receiver calls directly (see `syncStoreOf`).
  #claim(key: string, token: string, leaseMs: number): ClaimResult {
    const entry = this.#live(key, true);
    if (entry) {
      if (entry.state === 'done') return 'done';
      return entry.token === token ? 'claimed' : 'in-flight';
    }
    this.#insert(key, { state: 'claimed', token, expiresAt: this.#now() + leaseMs });
    return 'claimed';
  }

  #release(key: string, token: string): boolean {
    const entry = this.#live(key, false);
    if (!entry) return true;
    if (entry.state !== 'claimed' || entry.token !== token) return false;
    this.#entries.delete(key);
    return true;
  }

  #markDone(key: string, token: string, ttlMs: number): boolean {
    const entry = this.#live(key, false);
    if (entry?.state === 'done') return true;
    if (entry && entry.token !== token) return false;
    this.#entries.delete(key);
    this.#insert(key, { state: 'done', token: NO_TOKEN, expiresAt: this.#now() + ttlMs });
    return true;
  }

  static {
    syncOf = (store) => ({
      claim: (key, token, leaseMs) => store.#claim(key, token, leaseMs),
      release: (key, token) => store.#release(key, token),
      markDone: (key, token, ttlMs) => store.#markDone(key, token, ttlMs),
    });
  }

  #live(key: string, touch: boolean): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    if (touch) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  #insert(key: string, entry: Entry): void {
    if (this.#entries.size >= this.maxEntries) this.#evictOne();
    this.#entries.set(key, entry);
  }

  // Evicting a live claim would let a duplicate run the handler a second time, so only expired
  // keys and done marks go; when nothing but live claims is left the claim fails (503, IICS retries).
  // The scan goes on from where the last one stopped: a fresh `for … of` from the start would step
  // over every slot deleted since V8 last rehashed the table, so each eviction would cost more than
  // the last. A Map iterator survives deletes and sees keys moved to the end, so LRU order holds.
  #evictOne(): void {
    const now = this.#now();
    for (let pass = 0; pass < 2; pass++) {
      this.#cursor ??= this.#entries.entries();
      for (let step = this.#cursor.next(); !step.done; step = this.#cursor.next()) {
        const [key, entry] = step.value;
        if (entry.expiresAt <= now || entry.state === 'done') {
          this.#entries.delete(key);
          return;
        }
      }
      // The end: once more from the start, for live claims passed over before that have since expired.
      this.#cursor = undefined;
    }
    throw new MemoryStoreFullError(
      `MemoryStore is full: all ${this.maxEntries} keys are callbacks being processed; raise maxEntries`,
    );
  }
}
