import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { fixturePlugin } from '../../test/helpers/fixture-plugin.ts';
import type { PluginDefinition } from '../sdk/types.ts';
import { createPluginRegistry } from './plugin-registry.ts';
import { registerPlugins, signalPlugins, vendorPlugin } from './register-plugins.ts';

const echo: PluginDefinition = {
  ...fixturePlugin,
  id: 'echo',
  routes: [
    { method: 'POST', path: '/items/:itemId', handler: (request) => ({ status: 201, body: { params: request.params, query: request.query, body: request.body as never, ua: String(request.headers['user-agent']) }, headers: { 'x-echo': 'yes' } }) },
    { method: 'GET', path: '/text', handler: async () => ({ status: 200, body: 'plain' }) },
    { method: 'DELETE', path: '/', handler: () => ({ status: 204, body: null }) },
  ],
};
const quiet: PluginDefinition = { ...fixturePlugin, id: 'quiet', routes: undefined };

test('each plugin registers as signal-plugin-<id>, is listed on app.signalPlugins and serves its routes under /v1/plugins/<id>/', async (t) => {
  const app = Fastify();
  t.after(() => app.close());
  await registerPlugins(app, createPluginRegistry([{ definition: echo, source: './echo', options: {} }, { definition: quiet, source: './quiet', options: {} }]));
  await app.ready();
  for (const name of ['signal-plugins', 'signal-plugin-echo', 'signal-plugin-quiet']) assert.ok(app.hasPlugin(name), name);
  assert.deepEqual(app.signalPlugins.list().map((p) => p.id), ['echo', 'quiet']);
  assert.equal(app.signalPlugins.get('echo'), echo);
  assert.equal(app.signalPlugins.has('nope'), false);

  const created = await app.inject({ method: 'POST', url: '/v1/plugins/echo/items/42?x=1', payload: { hello: 'world' }, headers: { 'user-agent': 'test' } });
  assert.equal(created.statusCode, 201);
  assert.equal(created.headers['x-echo'], 'yes');
  assert.match(String(created.headers['content-type']), /^application\/json/);
  assert.deepEqual(created.json(), { params: { itemId: '42' }, query: { x: '1' }, body: { hello: 'world' }, ua: 'test' });

  const text = await app.inject({ method: 'GET', url: '/v1/plugins/echo/text' });
  assert.equal(text.body, '"plain"', 'a JSON body, even a string, is sent as JSON');
  const gone = await app.inject({ method: 'DELETE', url: '/v1/plugins/echo/' });
  assert.equal(gone.statusCode, 204);
  assert.equal(gone.body, '');
  assert.equal((await app.inject({ method: 'GET', url: '/v1/plugins/quiet/text' })).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: '/text' })).statusCode, 404, 'routes exist only under the prefix');
});

test('a plain list of definitions works too (what core/signal.ts passes)', async (t) => {
  const app = Fastify();
  t.after(() => app.close());
  await registerPlugins(app, [fixturePlugin]);
  const res = await app.inject({ method: 'GET', url: '/v1/plugins/fixture/ping?echo=hi' });
  assert.deepEqual(res.json(), { pong: true, echo: 'hi' });
});

test('a duplicate id is refused, in one call or across calls (Fastify would accept the same name twice)', async () => {
  const once = Fastify();
  await assert.rejects(registerPlugins(once, [echo, { ...quiet, id: 'echo' }]), { code: 'SIGNAL_PLUGIN_DUPLICATE_ID', message: 'Plugin "echo": a plugin with this id is already registered' });
  await once.close().catch(() => {});

  const twice = Fastify();
  await registerPlugins(twice, [echo]);
  await assert.rejects(async () => {
    await registerPlugins(twice, [echo]);
    await twice.ready();
  }, { code: 'SIGNAL_PLUGIN_DUPLICATE_ID', message: 'Plugin "echo": a plugin with this id is already registered' });
  await twice.close().catch(() => {});
});

test('a vendor plugin checks its dependency on signal-plugins at registration, like Fastify does', async () => {
  const app = Fastify();
  await assert.rejects(async () => {
    await app.register(vendorPlugin(echo));
    await app.ready();
  }, { code: /^FST_ERR_PLUGIN_(NOT_PRESENT_IN_INSTANCE|DEPENDENCY_NOT_REGISTERED)$/, message: /signal-plugin-echo/ });
  await app.close().catch(() => {});

  const ok = Fastify();
  await ok.register(signalPlugins, { plugins: [] });
  await ok.register(vendorPlugin(echo));
  await ok.ready();
  assert.deepEqual(ok.signalPlugins.list().map((p) => p.id), ['echo']);
  await ok.close();
});
