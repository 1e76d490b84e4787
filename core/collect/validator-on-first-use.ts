// Fastify compiles every route's schemas when the app starts. Compiling the collect and admin
// schemas cost each Signal start about a third of a second of CPU, and each test process
// starts one: a route's validator is compiled at its first request instead.
import type { ValidateFunction } from 'ajv';

/** A validator as Fastify calls it: ajv's, with the errors of its last call on `errors`. */
export interface DeferredValidator {
  (data: unknown): boolean;
  errors?: ValidateFunction['errors'];
}

/**
 * A validator that compiles (with `compile`) at its first call, then validates as the compiled
 * one does, its `errors` those of the last call. For a Fastify validator compiler whose ajv
 * neither coerces nor fills defaults: Fastify passes the compiled function's `schemaEnv`-based
 * root-mutation context only to ajv functions, which a deferred one is not.
 *
 * @example
 * app.setValidatorCompiler(({ schema }) => validatorOnFirstUse(() => ajv.compile(schema)));
 */
export function validatorOnFirstUse(compile: () => ValidateFunction): DeferredValidator {
  let compiled: ValidateFunction | undefined;
  const validate: DeferredValidator = (data) => {
    compiled ??= compile();
    const valid = compiled(data) as boolean;
    validate.errors = compiled.errors;
    return valid;
  };
  return validate;
}
