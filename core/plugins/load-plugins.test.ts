import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadPlugins } from './load-plugins.ts';

let dir: string;

function pluginSource(overrides: string): string {
  return `const base = {
    id: 'acme', name: 'Acme', category: 'analytics', description: 'Acme events', logo: 'logo.svg', version: '1.0.0', signal: '^0.1.0',
    config: { type: 'object', properties: { api_key: { type: 'string', title: 'API key', secret: true } } },
    variants: { default: { description: 'as is', map: (e) => ({ name: e.event ?? e.type }) } },
    vendorFields: { name: { required: true } }, consent: [], rateLimit: { rps: 10 }, batch: { maxEvents: 10, maxBytes: 10000 },
    cookies: ['AcmeId'],
    send: (batch) => [{ method: 'POST', url: 'https://acme.test/e', body: batch.map((e) => e.payload), eventIds: batch.map((e) => e.id) }],
  };
  export default { ...base, ${overrides} };`;
}

async function writePlugin(name: string, overrides = ''): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'index.js'), pluginSource(overrides));
}

async function writeConfig(entries: string): Promise<string> {
  const file = path.join(dir, `plugin.config.${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(file, `export default ${entries};`);
  return file;
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'signal-plugins-'));
  await writePlugin('acme');
  await writePlugin('acme-copy');
  await writePlugin('future', "signal: '^9.0.0'");
  await writePlugin('broken', "batch: { maxEvents: 0, maxBytes: 10 }, category: 'social'");
});
after(() => rm(dir, { recursive: true, force: true }));

test('loads local folders with their options; cookies are collected', async () => {
  const registry = await loadPlugins(await writeConfig(`[{ plugin: './acme', options: { region: 'eu' } }]`));
  assert.deepEqual(registry.list().map((p) => p.id), ['acme']);
  assert.deepEqual(registry.optionsFor('acme'), { region: 'eu' });
  assert.deepEqual(registry.cookieNames(), ['AcmeId']);
});

test('a duplicate id stops start-up naming both sources', async () => {
  await assert.rejects(loadPlugins(await writeConfig(`[{ plugin: './acme' }, { plugin: './acme-copy' }]`)),
    /Plugin "acme" \(\.\/acme-copy\): id is already used by the plugin from \.\/acme/);
});

test('an incompatible core range stops start-up', async () => {
  await assert.rejects(loadPlugins(await writeConfig(`[{ plugin: './future' }]`)),
    /Plugin "acme" \(\.\/future\): signal range "\^9\.0\.0" does not include this core's version 0\.1\.0/);
});

test('an invalid definition stops start-up naming the plugin and the fields', async () => {
  await assert.rejects(loadPlugins(await writeConfig(`[{ plugin: './broken' }]`)),
    (error: Error) => /^Plugin "acme" \(\.\/broken\): /.test(error.message) && error.message.includes('category must be one of') && error.message.includes('batch.maxEvents must be a positive integer'));
});

test('a missing plugin, a bad entry or a bad list are named', async () => {
  await assert.rejects(loadPlugins(await writeConfig(`[{ plugin: './nowhere' }]`)), /Plugin "\.\/nowhere": no index\.ts or index\.js/);
  await assert.rejects(loadPlugins(await writeConfig(`[{ name: 'x' }]`)), /entry 0 must be \{ plugin: string, options\?: object \}/);
  await assert.rejects(loadPlugins(await writeConfig(`{}`)), /must export default an array/);
  await assert.rejects(loadPlugins(path.join(dir, 'missing.ts')), /does not exist \(SIGNAL_PLUGIN_CONFIG\)/);
  await assert.rejects(loadPlugins(await writeConfig(`[{ plugin: 'no-such-package-xyz' }]`)), /Plugin "no-such-package-xyz" could not be loaded/);
});
