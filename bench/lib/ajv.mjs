// The validator a user would write by hand: Ajv (with ajv-formats for date-time) compiled from the
// same JSON Schema that @iics-jobs/schema validates with. TypeBox schemas are plain JSON Schema
// objects (their extra keys are symbols, which Ajv never sees).
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { CallbackUrlResponse } from '@iics-jobs/schema';

const addFormats = addFormatsModule.default ?? addFormatsModule;

export function compileAjvCallbackValidator() {
  const ajv = new Ajv({ allErrors: false, strict: false });
  addFormats(ajv, ['date-time', 'uri']);
  return ajv.compile(JSON.parse(JSON.stringify(CallbackUrlResponse)));
}
