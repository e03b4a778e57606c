/**
 * The values that must never reach a message: the password and every session id this client has
 * held. Text that comes from the server (error descriptions, bodies) passes through `redact` before
 * it goes into an error or a log line, in case a server echoes one back.
 */
export class Secrets {
  readonly #values = new Set<string>();

  add(value: string): void {
    // Very short values would redact ordinary words; IICS session ids are 22+ characters.
    if (value.length < 4) return;
    this.#values.add(value);
    // How a server may echo it: inside JSON text shown raw (an HTML page quoting a request), or with
    // its runs of whitespace collapsed.
    this.#values.add(JSON.stringify(value).slice(1, -1));
    this.#values.add(value.replace(/\s+/g, ' '));
  }

  /**
   * A copy of a parsed JSON value with every string redacted. Validation messages quote offending
   * values shortened to 40 characters, and a longer secret cut short that way would slip past
   * `redact`; messages built from this copy quote "[redacted]" instead.
   */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object' || depth > 100) return value;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a "__proto__" key from JSON.parse stays a plain key in the copy.
      Object.defineProperty(out, this.redact(key), { value: this.redactValue(item, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.#values) {
      if (out.includes(value)) out = out.split(value).join('[redacted]');
    }
    return out;
  }
}
