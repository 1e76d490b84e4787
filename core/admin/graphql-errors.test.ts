import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphQLError } from 'graphql';
import { SignalError } from '../errors.ts';
import { formatGraphqlErrors } from './graphql-errors.ts';

/** A logger that records what it is given, by level. */
function recorder() {
  const lines: Array<[string, string]> = [];
  const at = (level: string) => (_fields: unknown, message: string) => void lines.push([level, message]);
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}
type Execution = Parameters<typeof formatGraphqlErrors>[0];
type Context = Parameters<typeof formatGraphqlErrors>[1];

test("a user's mistake is logged at debug, without the info line and stack mercurius writes; an unexpected error at error", () => {
  const { lines, log } = recorder();
  const context = { reply: { log }, app: { log } } as unknown as Context;
  const notFound = new GraphQLError('No pipeline with id x', { originalError: new SignalError('SIGNAL_NOT_FOUND', 'No pipeline with id x') });
  const invalid = new GraphQLError('Cannot query field "nope" on type "Query".');
  const broken = new GraphQLError('boom', { originalError: new Error('boom') });
  const result = formatGraphqlErrors({ data: null, errors: [notFound, invalid, broken] } as unknown as Execution, context);
  assert.deepEqual(lines, [['debug', 'No pipeline with id x'], ['debug', 'Cannot query field "nope" on type "Query".'], ['error', 'boom']]);
  assert.equal((result.response as { errors: unknown[] }).errors.length, 3);
});
