import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { MAX_NESTING_DEPTH, parseJsonBody } from '../collect/json-body.ts';

/**
 * A JSON literal written inline in a query, as JSON text. GraphQL's number syntax is JSON's,
 * so numbers keep their text (`1e400` stays too large, as in a body). A variable inside a
 * literal reads as null, as before.
 */
function literalAsJsonText(node: ValueNode): string {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return JSON.stringify(node.value);
    case Kind.INT:
    case Kind.FLOAT:
      return node.value;
    case Kind.BOOLEAN:
      return node.value ? 'true' : 'false';
    case Kind.LIST:
      return `[${node.values.map(literalAsJsonText).join(',')}]`;
    case Kind.OBJECT:
      return `{${node.fields.map((f) => `${JSON.stringify(f.name.value)}:${literalAsJsonText(f.value)}`).join(',')}}`;
    default:
      return 'null';
  }
}

/**
 * The admin schema's `JSON` scalar. Values in variables arrive through the admin body parser;
 * a literal written in the query text goes through the same parser (as JSON text), so a
 * `__proto__` key, a `constructor.prototype`, a number past a double or nesting past the
 * admin limit is refused alike: 400 `SIGNAL_VALIDATION_FAILED` naming the path in the literal.
 *
 * @example
 * const resolvers = { JSON: JsonScalar, Query: { … } };
 * // mutation { createRevision(input: { templateId: "…", config: { headers: { __proto__: "x" } } }) { id } }
 * // → 400, extensions.fields: [{ field: 'headers.__proto__', message: 'is not accepted: a "__proto__" key …' }]
 */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  // Twice the collect limit, as the admin body parser allows: configs nest below the envelope.
  parseLiteral: (node) => parseJsonBody(literalAsJsonText(node), { refusalCode: 'SIGNAL_VALIDATION_FAILED', maxDepth: 2 * MAX_NESTING_DEPTH }),
});
