/**
 * The values that must never reach a message: the password and every session id this client has
 * held. Text that comes from the server (error descriptions, bodies) passes through `redact` before
 * it goes into an error or a log line, in case a server echoes one back.
 */
export class Secrets {
  readonly #values = new Set<string>();

  add(value: string): void {
    // Very short values would redact ordinary words; IICS session ids are 22+ characters.
    if (value.length >= 4) this.#values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.#values) {
      if (out.includes(value)) out = out.split(value).join('[redacted]');
    }
    return out;
  }
}
