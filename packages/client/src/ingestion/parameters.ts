import type { FileIngestionJobRequest } from '@iics-jobs/schema';
import { IicsInvalidArgumentError } from '../errors.js';
import { describe } from '../options.js';
import type { FileIngestionParameters } from './types.js';

/** The documented parameter ids per category (with the connector-specific directory keys). */
export const FILE_INGESTION_PARAMETERS = {
  General: ['sourceConnection', 'targetConnection', 'parallelBatch', 'logLevel'],
  Source: [
    'sourceDirectory',
    's3SourceLocation',
    'blobSourceLocation',
    'filePattern',
    'batchSize',
    'includeSubfolder',
    'checkDuplicate',
    'fileStability',
    'stabilityCheckInterval',
  ],
  Target: ['targetDirectory', 'gcsTargetLocation', 'hdfsTargetLocation', 'adlsGen2TargetLocation', 's3TargetLocation', 'blobContainer'],
} as const satisfies Record<keyof FileIngestionParameters, readonly string[]>;

type Category = keyof typeof FILE_INGESTION_PARAMETERS;

/**
 * Turns `{ Source: { filePattern: '*.csv', batchSize: 5 } }` into the wire's
 * `{ category: [{ id: 'Source', parameter: [{ id: 'filePattern', value: '*.csv' }, ...] }] }`.
 * An unknown category or id is refused: IICS would most likely ignore a misspelt one and run with the task's own value.
 */
export function toWireParameters(value: unknown): FileIngestionJobRequest['parameters'] {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new IicsInvalidArgumentError('parameters', `parameters must be an object such as { Source: { filePattern: "*.csv" } } (got ${describe(value)}).`);
  const category: NonNullable<FileIngestionJobRequest['parameters']>['category'] = [];
  for (const [id, params] of Object.entries(value)) {
    const known = (FILE_INGESTION_PARAMETERS as Record<string, readonly string[]>)[id];
    if (!known) {
      const hint = Object.keys(FILE_INGESTION_PARAMETERS).find((c) => c.toLowerCase() === id.toLowerCase());
      throw new IicsInvalidArgumentError(`parameters.${id}`, `parameters.${id}: unknown category${hint ? `; did you mean "${hint}"?` : `; the categories are General, Source and Target.`}`);
    }
    if (params === undefined) continue;
    if (!isPlainObject(params)) throw new IicsInvalidArgumentError(`parameters.${id}`, `parameters.${id} must be an object of parameter ids to values (got ${describe(params)}).`);
    const parameter: Array<{ id: string; value: string }> = [];
    for (const [key, v] of Object.entries(params)) {
      const field = `parameters.${id}.${key}`;
      if (!known.includes(key)) {
        const hint = known.find((k) => k.toLowerCase() === key.toLowerCase());
        throw new IicsInvalidArgumentError(field, `${field}: unknown parameter${hint ? `; did you mean "${hint}"?` : `; the ${id} parameters are ${known.join(', ')}.`}`);
      }
      if (v === undefined) continue;
      parameter.push({ id: key, value: wireValue(v, field) });
    }
    if (parameter.length > 0) category.push({ id: id as Category, parameter });
  }
  return category.length > 0 ? { category } : undefined;
}

export function toWireVariables(value: unknown): FileIngestionJobRequest['variables'] {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new IicsInvalidArgumentError('variables', `variables must be an object of variable names to values, such as { Parentfolder: "root" } (got ${describe(value)}).`);
  const out: NonNullable<FileIngestionJobRequest['variables']> = [];
  for (const [variable, v] of Object.entries(value)) {
    if (variable === '') throw new IicsInvalidArgumentError('variables', 'variables: a variable name must not be empty.');
    if (v === undefined) continue;
    out.push({ variable, value: wireValue(v, `variables.${variable}`) });
  }
  return out.length > 0 ? out : undefined;
}

function wireValue(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new IicsInvalidArgumentError(field, `${field} must be a string, a finite number or a boolean (got ${describe(value)}); it is sent as a string.`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
