import type { Clock } from '../clock.js';
import { sessionId } from '../ids.js';

interface Session {
  username: string;
  lastUsedAt: number;
}

/** Session ids from either login version, valid in both the icSessionId and INFA-SESSION-ID headers. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    private readonly idleMs: number,
  ) {}

  create(username: string): string {
    let id = sessionId();
    while (this.sessions.has(id)) id = sessionId();
    this.sessions.set(id, { username, lastUsedAt: this.clock.now() });
    return id;
  }

  /** The user of a live session, which counts as a use; undefined for an unknown or expired id. */
  use(id: string): string | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.clock.now();
    if (now - session.lastUsedAt > this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastUsedAt = now;
    return session.username;
  }

  /** The user and idle time left of a live session, without counting as a use; undefined for an unknown or expired id. */
  peek(id: string): { username: string; remainingMs: number } | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const remainingMs = session.lastUsedAt + this.idleMs - this.clock.now();
    return remainingMs < 0 ? undefined : { username: session.username, remainingMs };
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  endAll(): void {
    this.sessions.clear();
  }
}
