/**
 * The logger the receiver writes to. pino fits as is (`logger: pino()`), and so does anything with
 * `info`, `warn` and `error` taking a fields object and a message. Log records never hold the secret,
 * the request URL or the headers.
 */
export interface CallbackLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const noop = (): void => {};

export const silentLogger: CallbackLogger = { info: noop, warn: noop, error: noop };

/** A logger that throws must not turn a processed callback into a failed one. */
export function safeLogger(logger: CallbackLogger): CallbackLogger {
  const wrap =
    (level: keyof CallbackLogger) =>
    (fields: Record<string, unknown>, message: string): void => {
      try {
        logger[level](fields, message);
      } catch {
        // Nowhere left to report it.
      }
    };
  return { info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

/** An error as log fields: its name, message and code, without the object itself (its props could be anything). */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { err: { name: error.name, message: error.message, ...(code === undefined ? {} : { code }), stack: error.stack } };
  }
  return { err: { message: String(error) } };
}
