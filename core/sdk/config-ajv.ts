import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * An ajv (strict, all errors, formats) that also knows the config UI keywords — `secret`
 * (boolean: encrypted at rest, masked in answers) and `enumLabels` (array: the labels of an
 * `enum`'s values in a select) — so a plugin's config schema compiles exactly as the core
 * compiles it. Defaults are filled in unless `useDefaults: false`.
 *
 * @example
 * const validate = createConfigAjv().compile(plugin.config);
 * if (!validate(config)) console.log(validate.errors);
 */
export function createConfigAjv(options: { useDefaults?: boolean } = {}): Ajv {
  const ajv = addFormats(new Ajv({ allErrors: true, strict: true, useDefaults: options.useDefaults ?? true, coerceTypes: false }));
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'enumLabels', schemaType: 'array' });
  return ajv;
}
