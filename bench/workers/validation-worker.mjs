// Benchmark 2, in a process of its own: validating one callback payload with
//   ours   parseCallbackUrlResponse from @iics-jobs/schema (TypeBox TypeCompiler, plus its key/depth guard)
//   ajv    Ajv + ajv-formats compiled from the same JSON Schema
//   value  TypeBox's uncompiled Value.Check on the same schema
import { Value } from '@sinclair/typebox/value';
import { CallbackUrlResponse, parseCallbackUrlResponse } from '@iics-jobs/schema';
import { compileAjvCallbackValidator } from '../lib/ajv.mjs';
import { serveParent } from '../lib/child.mjs';

const ajvValidate = compileAjvCallbackValidator();
const validators = {
  ours: (payload) => parseCallbackUrlResponse(payload).ok,
  ajv: (payload) => ajvValidate(payload),
  value: (payload) => Value.Check(CallbackUrlResponse, payload),
};

// Parsed from JSON text as a receiver would see them: distinct objects, same shape, varying values.
const PAYLOADS = Array.from({ length: 1024 }, (_, i) =>
  JSON.parse(
    JSON.stringify({
      '@type': 'callbackUrlResponse',
      endTime: `2024-02-${String((i % 28) + 1).padStart(2, '0')}T18:57:${String(i % 60).padStart(2, '0')}.000Z`,
      objectId: `0119Y40Z0000000000${String(i % 100).padStart(2, '0')}`,
      objectName: `MT_Load_${i}`,
      runId: 1000 + i,
      status: i % 7 === 0 ? 'FAILED' : 'COMPLETED',
    }),
  ),
);

for (const [name, check] of Object.entries(validators)) {
  if (!PAYLOADS.every(check)) throw new Error(`${name} refused a valid payload`);
  if (check({ objectId: 'x', runId: '5', status: 'COMPLETED' })) throw new Error(`${name} accepted runId "5"`);
}

/** ops/s of `name` over `ops` validations, and the CPU µs (user + system) per 1,000 of them. */
function time(name, ops) {
  const check = validators[name];
  const mask = PAYLOADS.length - 1;
  let valid = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) if (check(PAYLOADS[i & mask])) valid += 1;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  if (valid !== ops) throw new Error(`${name}: ${ops - valid} payloads refused`);
  return { opsPerS: ops / seconds, cpuUsPer1000: ((used.user + used.system) / ops) * 1000 };
}

serveParent({ names: Object.keys(validators) }, {
  measure: async ({ name, ops }) => time(name, ops),
});
