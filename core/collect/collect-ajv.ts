import { isIP } from 'node:net';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats' CommonJS default export, typed for ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * One ajv for the collect schemas: all errors at once, formats checked, nothing coerced —
 * unless `coerceTypes` (a pixel's query parameters, all text, read as the booleans and numbers
 * the schema asks for).
 */
export function createCollectAjv(options: { coerceTypes?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes: options.coerceTypes === true, useDefaults: false, removeAdditional: false, strict: false });
  // An address a vendor can take: `context.ip` is forwarded as the visitor's.
  ajv.addFormat('ip', { type: 'string', validate: (text: string) => isIP(text) !== 0 });
  return addFormats(ajv);
}
