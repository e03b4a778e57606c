import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { componentSchemas } from '../src/index.js';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const specPath = path.resolve(pkg, '../../openapi/iics-jobs.yaml');
const generatedDir = path.join(pkg, 'src/generated');
const files = ['openapi.ts', 'typebox.ts', 'parsers.ts', 'operations.ts'];

describe('generated files', () => {
  let tmp: string | undefined;
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('committed files equal a fresh generation from the spec (run `npm run generate` if this fails)', async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'iics-schema-'));
    // @ts-expect-error the generator is a plain .mjs script without type declarations
    const { generate } = (await import('../scripts/generate.mjs')) as { generate: (dir: string) => Promise<string> };
    await generate(tmp);
    for (const file of files) {
      const fresh = await readFile(path.join(tmp, file), 'utf8');
      const committed = await readFile(path.join(generatedDir, file), 'utf8');
      expect(committed, `src/generated/${file} is stale`).toBe(fresh);
    }
  }, 60_000);

  test('every component schema of the spec has a TypeBox schema and a type test', async () => {
    const spec = YAML.parse(await readFile(specPath, 'utf8')) as { components: { schemas: Record<string, unknown> } };
    const names = Object.keys(spec.components.schemas).sort();
    expect(Object.keys(componentSchemas).sort()).toEqual(names);
    const typeTests = await readFile(path.join(pkg, 'src/schema.test-d.ts'), 'utf8');
    for (const name of names) expect(typeTests, `no type test for ${name}`).toContain(`typeof S.${name}>>().toEqualTypeOf<C['${name}']>`);
  });

  test('the names DESIGN.md promises are exported', async () => {
    const schema = await import('../src/index.js');
    for (const name of ['CallbackUrlResponse', 'JobRequest', 'JobResponse', 'JobStopRequest', 'ActivityLogEntry',
      'ActivityMonitorEntry', 'V2Error', 'V3Error', 'LoginV2Request', 'LoginV2Response', 'LoginV3Request',
      'LoginV3Response', 'LookupRequest', 'LookupResponse']) {
      expect(schema, name).toHaveProperty(name);
      expect(typeof (schema as Record<string, unknown>)[`parse${name}`], `parse${name}`).toBe('function');
    }
  });
});
