import { context, isSpanContextValid, trace, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';

/** The query parameter that carries a W3C trace context on a callback URL. */
export const TRACEPARENT_PARAM = 'traceparent';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Adds the active span's trace context to a callback URL as `?traceparent=00-<trace id>-<span id>-<flags>`,
 * so that the receiver's span for that callback is linked to the trace that started the job. IICS posts to
 * the URL as given, query and all. Without an active span the URL is returned as it is.
 */
export function withTraceContext(callbackUrl: string, ctx: Context = context.active()): string {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return callbackUrl;
  const url = new URL(callbackUrl);
  url.searchParams.set(TRACEPARENT_PARAM, formatTraceparent(span));
  return url.href;
}

export function formatTraceparent(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & TraceFlags.SAMPLED ? 1 : 0).toString(16).padStart(2, '0')}`;
}

/** The span context in a `traceparent` value, or undefined when it is not a valid version-00 one. */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return undefined;
  const span: SpanContext = { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16) & TraceFlags.SAMPLED, isRemote: true };
  return isSpanContextValid(span) ? span : undefined;
}
