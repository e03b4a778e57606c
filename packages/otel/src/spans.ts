import { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { IICS_JOBS_CHANNELS as C } from './channels.js';

/** A message as the packages publish it: plain fields, plus `result` or `error` once the call settled. */
export type Message = Record<string, unknown> & { result?: unknown; error?: unknown };

export interface SpanSpec {
  channel: string;
  kind: SpanKind;
  name: (m: Message) => string;
  /** Attributes known when the call starts. */
  start: (m: Message) => Attributes;
  /** Attributes known when it settled, and whether a settled call without an error still failed. */
  end: (m: Message, span: Span) => void;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const id = (v: unknown): string | undefined => str(v) ?? (typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/** Only the defined ones: OpenTelemetry drops undefined values, but a test reading attributes should not see them. */
function attrs(entries: Record<string, string | number | boolean | undefined>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out;
}

function task(m: Message): Attributes {
  return attrs({
    'iics.task.id': str(m.taskId),
    'iics.task.federated_id': str(m.taskFederatedId),
    'iics.task.name': str(m.taskName),
    'iics.task.path': str(m.path),
    'iics.task.type': str(m.taskType),
    'iics.run.id': id(m.runId),
  });
}

function jobState(span: Span, status: unknown): void {
  const s = obj(status);
  span.setAttributes(attrs({ 'iics.job.state': str(s.state), 'iics.job.terminal': typeof s.terminal === 'boolean' ? s.terminal : undefined }));
}

export const SPANS: SpanSpec[] = [
  {
    channel: C.clientLogin,
    kind: SpanKind.INTERNAL,
    name: () => 'iics.login',
    start: (m) => attrs({ 'iics.api_version': str(m.apiVersion), 'server.address': hostOf(m.loginOrigin) }),
    end: () => undefined,
  },
  {
    channel: C.clientLookup,
    kind: SpanKind.INTERNAL,
    name: () => 'iics.lookup',
    start: (m) => attrs({ 'iics.task.path': str(m.path), 'iics.task.type': str(m.type), 'iics.lookup.cached': m.cached === true }),
    end: (m, span) => span.setAttributes(attrs({ 'iics.task.federated_id': str(obj(m.result).id) })),
  },
  {
    channel: C.clientStart,
    kind: SpanKind.INTERNAL,
    name: () => 'iics.job.start',
    start: (m) => ({ ...task(m), 'iics.job.callback': m.callback === true }),
    end: (m, span) => {
      const r = obj(m.result);
      span.setAttributes(attrs({ 'iics.task.id': str(r.taskId), 'iics.task.name': str(r.taskName), 'iics.run.id': id(r.runId) }));
    },
  },
  {
    channel: C.clientStop,
    kind: SpanKind.INTERNAL,
    name: () => 'iics.job.stop',
    start: (m) => ({ ...task(m), 'iics.job.clean_stop': m.cleanStop === true }),
    end: () => undefined,
  },
  {
    channel: C.clientStatus,
    kind: SpanKind.INTERNAL,
    name: () => 'iics.job.status',
    start: task,
    end: (m, span) => jobState(span, m.result),
  },
  {
    channel: C.clientWait,
    kind: SpanKind.INTERNAL,
    name: () => 'iics.job.wait',
    start: (m) => ({ ...task(m), ...attrs({ 'iics.wait.poll_interval_ms': num(m.pollIntervalMs), 'iics.wait.timeout_ms': num(m.timeoutMs) }) }),
    end: (m, span) => {
      jobState(span, m.result);
      span.setAttributes(attrs({ 'iics.wait.ended_by': str(m.endedBy) ?? str(obj(m.result).endedBy) }));
    },
  },
  {
    channel: C.clientRun,
    kind: SpanKind.INTERNAL,
    name: () => 'iics.job.run',
    start: (m) => ({ ...task(m), 'iics.job.callback': m.callback === true }),
    end: (m, span) => {
      const r = obj(m.result);
      span.setAttributes(attrs({ 'iics.task.id': str(r.taskId), 'iics.run.id': id(r.runId) }));
      jobState(span, m.result);
    },
  },
  {
    channel: C.clientRequest,
    kind: SpanKind.CLIENT,
    name: (m) => str(m.operation) ?? `HTTP ${str(m.method) ?? ''}`,
    start: (m) => attrs({ 'http.request.method': str(m.method), 'server.address': hostOf(m.origin), 'server.port': portOf(m.origin) }),
    end: (m, span) => httpStatus(span, m.statusCode, 400),
  },
  {
    channel: C.callbackReceive,
    kind: SpanKind.SERVER,
    name: () => 'iics.callback.receive',
    start: (m) => attrs({ 'http.request.method': str(m.method), 'url.path': str(m.path) }),
    end: (m, span) => {
      span.setAttributes(
        attrs({
          'iics.callback.outcome': str(m.outcome),
          'iics.callback.key': str(m.key),
          'iics.callback.status': str(m.callbackStatus),
          'iics.task.id': str(m.objectId),
          'iics.run.id': id(m.runId),
        }),
      );
      httpStatus(span, m.statusCode, 500);
    },
  },
  {
    channel: C.callbackHandler,
    kind: SpanKind.INTERNAL,
    name: () => 'iics.callback.handle',
    start: (m) =>
      attrs({ 'iics.callback.key': str(m.key), 'iics.callback.status': str(m.callbackStatus), 'iics.task.id': str(m.objectId), 'iics.run.id': id(m.runId) }),
    end: () => undefined,
  },
  {
    channel: C.callbackAttempt,
    kind: SpanKind.CLIENT,
    name: () => 'iics.callback.deliver',
    start: (m) =>
      attrs({
        'url.full': str(m.url),
        'iics.callback.attempt': num(m.attempt),
        'iics.callback.status': str(m.callbackStatus),
        'iics.task.id': str(m.objectId),
        'iics.run.id': id(m.runId),
      }),
    end: (m, span) => {
      if (str(m.failure)) span.setAttribute('iics.callback.failure', m.failure as string);
      httpStatus(span, m.statusCode, 300);
      // IICS counts anything but 200 as a failed attempt, and so does the span.
      if (m.statusCode !== 200) span.setStatus({ code: SpanStatusCode.ERROR, message: str(m.failure) ?? `HTTP ${String(m.statusCode)}` });
    },
  },
];

function httpStatus(span: Span, status: unknown, errorFrom: number): void {
  if (typeof status !== 'number') return;
  span.setAttribute('http.response.status_code', status);
  if (status >= errorFrom) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
}

function hostOf(origin: unknown): string | undefined {
  return typeof origin === 'string' && URL.canParse(origin) ? new URL(origin).hostname : undefined;
}

function portOf(origin: unknown): number | undefined {
  if (typeof origin !== 'string' || !URL.canParse(origin)) return undefined;
  const u = new URL(origin);
  return u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
}
