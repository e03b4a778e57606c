import { Kind, TypeRegistry, type TSchema, type TUnsafe, Type } from '@sinclair/typebox';

/**
 * The TypeBox kind of a JSON Schema `oneOf` whose branches each list only `required` members: the
 * spec's "exactly one of taskId, taskFederatedId or taskName" and lookup's "id, or path with type".
 * A value passes when exactly one branch has all its required members present, as JSON Schema
 * reads `oneOf` (lookup's `{ id, type }` passes; `{ id, path, type }` does not). As JSON Schema the
 * node is just `{ oneOf: [{ required: [...] }, ...] }`, so Ajv and other validators read it the same.
 */
export const ONE_OF_REQUIRED_KIND = 'IicsOneOfRequired';

export interface OneOfRequiredSchema extends TSchema {
  [Kind]: typeof ONE_OF_REQUIRED_KIND;
  oneOf: ReadonlyArray<{ required: readonly string[] }>;
}

/** How many of `branches` have all their required members present in `value`. */
export function matchingBranches(branches: OneOfRequiredSchema['oneOf'], value: unknown): number {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 0;
  let matched = 0;
  for (const branch of branches) {
    if (branch.required.every((key) => Object.hasOwn(value, key) && (value as Record<string, unknown>)[key] !== undefined)) matched++;
  }
  return matched;
}

if (!TypeRegistry.Has(ONE_OF_REQUIRED_KIND)) {
  // Only an object is judged here: the object schema beside it already says what else the value must be.
  TypeRegistry.Set<OneOfRequiredSchema>(ONE_OF_REQUIRED_KIND, (schema, value) =>
    value === null || typeof value !== 'object' || Array.isArray(value) || matchingBranches(schema.oneOf, value) === 1,
  );
}

/** The schema node for `oneOf: [{ required: branches[0] }, ...]`. */
export function OneOfRequired(branches: ReadonlyArray<readonly string[]>): TUnsafe<unknown> {
  return Type.Unsafe<unknown>({ [Kind]: ONE_OF_REQUIRED_KIND, oneOf: branches.map((required) => ({ required: [...required] })) });
}

/** "taskId, taskFederatedId or taskName"; "id, or path with type". */
export function describeBranches(branches: OneOfRequiredSchema['oneOf']): string {
  const names = branches.map((branch) => (branch.required.length === 1 ? branch.required[0]! : `${branch.required[0]} with ${branch.required.slice(1).join(' and ')}`));
  const compound = branches.some((branch) => branch.required.length > 1);
  if (names.length <= 1) return names.join('');
  return compound ? `${names.slice(0, -1).join(', ')}, or ${names.at(-1)}` : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** The message for a value that matched none or several branches, naming the members. */
export function oneOfMessage(schema: OneOfRequiredSchema, value: unknown): string {
  const alternatives = describeBranches(schema.oneOf);
  const record = value as Record<string, unknown>;
  const present = (key: string): boolean => Object.hasOwn(record, key) && record[key] !== undefined;
  const matched = schema.oneOf.filter((branch) => branch.required.every(present));
  if (matched.length === 0) {
    const partial = schema.oneOf.flatMap((branch) => branch.required.filter(present).map((key) => ({ key, missing: branch.required.filter((k) => !present(k)) })));
    const hint = partial.length > 0 ? ` (${partial[0]!.key} needs ${partial[0]!.missing.join(' and ')})` : '';
    return `one of ${alternatives} is required${hint}`;
  }
  const given = matched.map((branch) => branch.required.join(' with '));
  return `only one of ${alternatives} may be given, got ${given.slice(0, -1).join(', ')} and ${given.at(-1)}`;
}
