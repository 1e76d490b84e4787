import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { adminTypeDefs } from './graphql-schema.ts';
import { MAX_QUERY_DEPTH, queryDepthLimit } from './graphql-depth-limit.ts';

const schema = buildSchema(adminTypeDefs);
const check = (query: string) => validate(schema, parse(query), [queryDepthLimit(MAX_QUERY_DEPTH)]).map((e) => e.message);

test('a query looping through the schema past the limit is refused, naming its depth', () => {
  // pipelines → integrations → template → assignments → template → …: each level a read per item.
  let inner = 'id';
  for (let i = 0; i < 4; i++) inner = `template { assignments { ${inner} } }`;
  const [message] = check(`{ pipelines { integrations { ${inner} } } }`);
  assert.match(message ?? '', /^The query nests 11 levels deep; at most 8 are allowed/);
});

test('queries within the limit, fragments counted where they are spread, and introspection pass', () => {
  assert.deepEqual(check('{ pipelines { id name integrations { id template { id name } } } }'), []);
  assert.deepEqual(check('query { pipelines { ...P } } fragment P on Pipeline { id integrations { template { id } } }'), []);
  assert.deepEqual(check(getIntrospectionQuery({ descriptions: true })), [], "GraphiQL's schema query reads the schema, not data");
});

test('fragments spreading fragments are measured once each: a sub-kilobyte query is checked in milliseconds', () => {
  // Ten spreads of the next fragment per level, eight levels: 10^8 walks without memory.
  const fragments = ['fragment F0 on Pipeline { id }'];
  for (let i = 1; i <= 8; i++) fragments.push(`fragment F${i} on Pipeline { ${Array.from({ length: 10 }, () => `...F${i - 1}`).join(' ')} }`);
  const started = performance.now();
  assert.deepEqual(check(`{ pipelines { ...F8 } }\n${fragments.join('\n')}`), []);
  assert.ok(performance.now() - started < 200, `${(performance.now() - started).toFixed(0)} ms`);
});
