import type { AddressInfo } from 'node:net';
import { createServer, type RequestListener } from 'node:http';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { onTestFinished } from 'vitest';
import { instrumentIicsJobs, type Instrumentation } from '../../src/index.js';

// A context manager as an application's SDK setup registers one: startActiveSpan then works across awaits.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

export interface Tracing {
  provider: BasicTracerProvider;
  exporter: InMemorySpanExporter;
  instrumentation: Instrumentation;
  spans(): ReadableSpan[];
  named(name: string): ReadableSpan[];
  /** The spans whose parent is `span`. */
  children(span: ReadableSpan): ReadableSpan[];
}

/** An in-memory exporter and the instrumentation on it, both torn down when the test ends. */
export function tracing(): Tracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const instrumentation = instrumentIicsJobs({ tracerProvider: provider });
  onTestFinished(async () => {
    instrumentation.disable();
    await provider.shutdown();
  });
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  return {
    provider,
    exporter,
    instrumentation,
    spans,
    named: (name) => spans().filter((s) => s.name === name),
    children: (span) => spans().filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId),
  };
}

export async function listen(app: RequestListener): Promise<string> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
