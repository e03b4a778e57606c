// `npm run demo -- --trace`: the demo's OpenTelemetry spans (from @iics-jobs/otel), printed as a tree when it ends.
import { instrumentIicsJobs } from '@iics-jobs/otel';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

// Attribute → the short label the tree shows.
const SHOWN = {
  'iics.task.name': 'task',
  'iics.task.type': 'type',
  'iics.run.id': 'run',
  'iics.job.state': 'state',
  'iics.wait.ended_by': 'ended_by',
  'http.response.status_code': 'http',
  'iics.callback.outcome': 'outcome',
  'iics.callback.attempt': 'attempt',
  'iics.error.code': 'error',
};

export function startTracing() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const instrumentation = instrumentIicsJobs({ tracerProvider });
  return {
    /** Prints every finished span under its parent; polls of one wait are folded into one line per run of equal ones. */
    print(write = console.log) {
      instrumentation.disable();
      const spans = exporter.getFinishedSpans();
      const ids = new Set(spans.map((s) => s.spanContext().spanId));
      const children = new Map();
      for (const s of spans) {
        const parent = s.parentSpanContext?.spanId;
        const key = parent && ids.has(parent) ? parent : 'root';
        if (!children.has(key)) children.set(key, []);
        children.get(key).push(s);
      }
      const line = (s) => {
        const ms = (s.duration[0] * 1e3 + s.duration[1] / 1e6).toFixed(1);
        const attrs = Object.entries(SHOWN).filter(([k]) => s.attributes[k] !== undefined).map(([k, label]) => `${label}=${s.attributes[k]}`);
        const links = s.links.length ? ` linked to ${s.links.map((l) => l.context.spanId).join(',')}` : '';
        return `${s.name} ${ms} ms${attrs.length ? ` ${attrs.join(' ')}` : ''}${s.status.code === 2 ? ' ERROR' : ''}${links}`;
      };
      const walk = (key, depth) => {
        const list = (children.get(key) ?? []).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
        for (let i = 0; i < list.length; i++) {
          const s = list[i];
          // Fold a run of sibling status polls: "iics.job.status ×12".
          let j = i;
          while (s.name === 'iics.job.status' && list[j + 1]?.name === s.name) j++;
          if (j > i) {
            write(`${'  '.repeat(depth)}${s.name} ×${j - i + 1} (each with its HTTP requests) last: ${line(list[j])}`);
            i = j;
            continue;
          }
          write(`${'  '.repeat(depth)}${line(s)} [${s.spanContext().spanId}]`);
          walk(s.spanContext().spanId, depth + 1);
        }
      };
      write('');
      write(`spans (${spans.length}):`);
      walk('root', 1);
    },
  };
}
