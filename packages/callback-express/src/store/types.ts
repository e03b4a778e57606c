/** What `claim` found: the key was free and is now held by this token, is held by another claim, or was processed. */
export type ClaimResult = 'claimed' | 'in-flight' | 'done';

/**
 * Where the receiver records which callbacks are being processed and which are done.
 * `MemoryStore` (one process) and `RedisStore` (several replicas) implement it; to write your own
 * (a SQL table, DynamoDB, ...), keep these rules:
 *
 * - Every method is atomic with respect to every other call on the same key, across all processes
 *   that share the store. Two concurrent `claim`s of a free key: exactly one gets `'claimed'`.
 * - A key holds nothing, a claim `(token, expiry)` or a done mark `(token, expiry)`. An expired
 *   claim or mark is the same as nothing: that is how a replica that crashed mid-handler stops
 *   blocking the callback.
 * - `token` is a random string unique to one delivery; only the holder of the claim may release,
 *   extend or complete it, so a late call after the lease ran out never undoes someone else's work.
 * - Failures reject (a lost connection, a timeout): the receiver answers 503 and IICS retries.
 *   Never resolve with a guess.
 */
export interface CallbackStore {
  /**
   * Takes the key for `leaseMs` if it holds nothing. Resolves `'claimed'` when this call took it
   * (or this token already holds it), `'done'` when it is marked done, `'in-flight'` when another
   * token holds a claim.
   */
  claim(key: string, token: string, leaseMs: number): Promise<ClaimResult>;
  /** Removes the claim if `token` holds it; resolves `true` when the key is now free. */
  release(key: string, token: string): Promise<boolean>;
  /**
   * Replaces the claim held by `token` with a done mark kept for `ttlMs`. Also marks a key that
   * holds nothing (the lease ran out but the handler succeeded). Resolves `false` only when another
   * token holds the key. A done mark need not remember its token.
   */
  markDone(key: string, token: string, ttlMs: number): Promise<boolean>;
  /**
   * Optional: pushes the claim's expiry to `leaseMs` from now if `token` still holds it, so a live
   * but slow handler keeps its claim. Without it, a handler that outlives the lease may run twice.
   */
  extend?(key: string, token: string, leaseMs: number): Promise<boolean>;
}
