import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { graphiqlPlugin } from './graphiql.ts';

test('the IDE page and every asset it loads come from this server', async () => {
  const app = Fastify();
  await app.register(graphiqlPlugin, { path: '/graphiql', endpoint: '/graphql' });
  const page = await app.inject('/graphiql');
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /text\/html/);
  assert.match(page.headers['content-security-policy'] as string, /default-src 'self'/);
  assert.equal(/(https?:)?\/\/[a-z]/i.test(page.body), false, 'no external URL in the page');
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  assert.deepEqual(assets.sort(), ['/graphiql/assets/boot.js', '/graphiql/assets/graphiql.css', '/graphiql/assets/graphiql.js', '/graphiql/assets/react-dom.js', '/graphiql/assets/react.js']);
  for (const asset of assets) {
    const res = await app.inject(asset);
    assert.equal(res.statusCode, 200, asset);
    assert.ok(res.body.length > (asset.endsWith('boot.js') ? 200 : 5000), `${asset} is the real file`);
  }
  assert.match((await app.inject('/graphiql/assets/react.js')).body, /react\.production\.min\.js/);
  assert.match((await app.inject('/graphiql/assets/boot.js')).body, /createFetcher\(\{ url: "\/graphql" \}\)/);
  assert.equal((await app.inject('/graphiql/assets/../../etc/passwd')).statusCode, 404);
  await app.close();
});
