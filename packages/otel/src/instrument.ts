import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { context, SpanStatusCode, trace, type Context, type Link, type Span, type TracerProvider } from '@opentelemetry/api';
import { SPANS, type Message, type SpanSpec } from './spans.js';
import { parseTraceparent } from './trace-context.js';

export interface InstrumentOptions {
  /** Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
}

export interface Instrumentation {
  /** Unsubscribes from every channel: no span is made after it. Spans already open still end. */
  disable(): void;
}

const TRACER_NAME = '@iics-jobs/otel';

/**
 * Subscribes to the diagnostics channels of @iics-jobs/client, @iics-jobs/callback-express and
 * @iics-jobs/testing and makes a span per call. A span's parent is the span of the call it runs in (a
 * status poll inside its wait, an HTTP request inside its start, a handler inside its callback), else
 * the context active when the call began; a callback whose URL carried a `traceparent` is linked to it.
 */
export function instrumentIicsJobs(options: InstrumentOptions = {}): Instrumentation {
  if (options === null || typeof options !== 'object') throw new TypeError('instrumentIicsJobs options must be an object: { tracerProvider? }');
  const provider = options.tracerProvider ?? trace.getTracerProvider();
  if (typeof provider?.getTracer !== 'function') throw new TypeError('tracerProvider must be an OpenTelemetry TracerProvider (it has no getTracer)');
  const tracer = provider.getTracer(TRACER_NAME);
  // Our own store of the current call's context: it works whether or not the application registered a
  // context manager, and a call's children find their parent through it.
  const store = new AsyncLocalStorage<Context>();
  const spans = new WeakMap<object, Span>();
  const undo: Array<() => void> = [];

  for (const spec of SPANS) {
    const channel = tracingChannel(spec.channel);
    const open = (message: Message): Context => {
      const parent = store.getStore() ?? context.active();
      const link = linkOf(message);
      const span = tracer.startSpan(spec.name(message), { kind: spec.kind, attributes: spec.start(message), ...(link ? { links: [link] } : {}) }, parent);
      spans.set(message, span);
      return trace.setSpan(parent, span);
    };
    const handlers = {
      start: () => undefined,
      end: () => undefined,
      asyncStart: () => undefined,
      error: (message: Message) => failed(spans.get(message), message.error),
      asyncEnd: (message: Message) => close(spec, spans, message),
    };
    channel.start.bindStore(store, open as (m: unknown) => Context);
    channel.subscribe(handlers as Parameters<typeof channel.subscribe>[0]);
    undo.push(() => {
      channel.unsubscribe(handlers as Parameters<typeof channel.subscribe>[0]);
      channel.start.unbindStore(store);
    });
  }

  let enabled = true;
  return {
    disable() {
      if (!enabled) return;
      enabled = false;
      for (const u of undo) u();
    },
  };
}

function close(spec: SpanSpec, spans: WeakMap<object, Span>, message: Message): void {
  const span = spans.get(message);
  if (!span) return;
  spans.delete(message);
  if (!('error' in message)) {
    try {
      spec.end(message, span);
    } catch {
      // A message of an unexpected shape still ends its span.
    }
  }
  span.end();
}

function failed(span: Span | undefined, error: unknown): void {
  if (!span) return;
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string') span.setAttribute('iics.error.code', code);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

function linkOf(message: Message): Link | undefined {
  const spanContext = parseTraceparent(message.traceparent);
  return spanContext ? { context: spanContext } : undefined;
}
