import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PluginDefinitionError } from '../sdk/define-plugin.ts';
import { CORE_VERSION, DEFAULT_PLUGIN_CONFIG, checkDefinition, loadPluginEntries, loadPlugins } from './load-plugins.ts';
import { PluginLoadError } from './plugin-errors.ts';

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

async function writePlugin(name: string, overrides = '', options: { logo?: boolean; file?: string; source?: string } = {}): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, options.file ?? 'index.js'), options.source ?? pluginSource(overrides));
  if (options.logo !== false) await writeFile(path.join(dir, name, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
}

async function writeConfig(entries: string): Promise<string> {
  const file = path.join(dir, `plugin.config.${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(file, `export default ${entries};`);
  return file;
}

/** Asserts a rejection with the error class, the stable code and the exact message shape. */
async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'signal-plugins-'));
  await writePlugin('acme');
  await writePlugin('acme-copy');
  await writePlugin('beta', "id: 'beta', cookies: ['AcmeId', 'BetaId']");
  await writePlugin('future', "signal: '^9.0.0'");
  await writePlugin('broken', "batch: { maxEvents: 0, maxBytes: 10 }, category: 'social'");
  await writePlugin('no-logo', '', { logo: false });
  await writePlugin('typed', '', { file: 'index.ts', source: pluginSource("id: 'typed'").replace('const base = {', 'const base: Record<string, unknown> = {') });
  await writePlugin('throws', '', { source: "throw new Error('boom at import');" });
  await writePlugin('empty-folder', '', { file: 'README.md', source: '# nothing' });
  // A plugin that calls definePlugin itself and is refused at import.
  const sdk = path.resolve(import.meta.dirname, '../sdk/index.ts');
  await writePlugin('self-defined', '', { file: 'index.ts', source: `import { definePlugin } from ${JSON.stringify(sdk)};\n${pluginSource("id: 'selfdef', rateLimit: { rps: 0 }").replace('export default { ...base', 'export default definePlugin({ ...base').replace(/};$/, '} as never);')}` });
});
after(() => rm(dir, { recursive: true, force: true }));

test('loads local folders (index.js or index.ts) in order, with their options, frozen; cookies are the union', async () => {
  const registry = await loadPlugins(await writeConfig(`[{ plugin: './acme', options: { region: 'eu', tags: ['a'] } }, { plugin: './beta' }, { plugin: './typed' }]`));
  assert.deepEqual(registry.list().map((p) => p.id), ['acme', 'beta', 'typed']);
  assert.equal(registry.get('beta')?.name, 'Acme');
  assert.equal(registry.get('nope'), undefined);
  assert.equal(registry.has('acme'), true);
  assert.equal(registry.has('nope'), false);
  assert.deepEqual(registry.optionsFor('acme'), { region: 'eu', tags: ['a'] });
  assert.ok(Object.isFrozen(registry.optionsFor('acme')) && Object.isFrozen(registry.optionsFor('acme')!.tags));
  assert.deepEqual(registry.optionsFor('beta'), {});
  assert.equal(registry.optionsFor('nope'), undefined);
  assert.equal(registry.sourceOf('typed'), './typed');
  assert.deepEqual(registry.cookieNames(), ['AcmeId', 'BetaId']);
  registry.cookieNames().push('Mutated');
  assert.deepEqual(registry.cookieNames(), ['AcmeId', 'BetaId']);
  assert.equal(registry.entries()[0]!.dir, path.join(dir, 'acme'));
});

test('a duplicate id stops start-up naming both sources', async () => {
  await rejectsWith(loadPlugins(await writeConfig(`[{ plugin: './acme' }, { plugin: './acme-copy' }]`)), 'SIGNAL_PLUGIN_DUPLICATE_ID',
    /^Plugin "acme" \(\.\/acme-copy\): id is already used by the plugin from \.\/acme$/);
});

test('an incompatible core range stops start-up', async () => {
  await rejectsWith(loadPlugins(await writeConfig(`[{ plugin: './future' }]`)), 'SIGNAL_PLUGIN_VERSION_MISMATCH',
    new RegExp(`^Plugin "acme" \\(\\./future\\): signal range "\\^9\\.0\\.0" does not include this core's version ${CORE_VERSION.replaceAll('.', '\\.')}$`));
  // The same plugin loads where the core's version fits.
  const registry = await loadPlugins(await writeConfig(`[{ plugin: './future' }]`), { coreVersion: '9.2.0' });
  assert.equal(registry.get('acme')?.signal, '^9.0.0');
});

test('an invalid definition stops start-up naming the plugin, the source and every field', async () => {
  await assert.rejects(loadPlugins(await writeConfig(`[{ plugin: './broken' }]`)), (error: Error) => {
    assert.ok(error instanceof PluginDefinitionError);
    assert.equal(error.code, 'SIGNAL_PLUGIN_INVALID');
    assert.equal(error.message, 'Plugin "acme" (./broken): category must be one of: advertising, analytics, attribution, cdp, cloud_storage, other (got "social"); batch.maxEvents must be a positive integer (got 0)');
    assert.deepEqual(error.problems.map((p) => [p.plugin, p.source, p.field]), [['acme', './broken', 'category'], ['acme', './broken', 'batch.maxEvents']]);
    return true;
  });
});

test('a plugin refused by its own definePlugin call is reported with its source', async () => {
  await assert.rejects(loadPlugins(await writeConfig(`[{ plugin: './self-defined' }]`)), (error: Error) => {
    assert.ok(error instanceof PluginDefinitionError);
    assert.equal(error.message, 'Plugin "selfdef" (./self-defined): rateLimit.rps must be a number above 0 (got 0)');
    return true;
  });
});

test('a logo file the plugin names must exist in its folder', async () => {
  await assert.rejects(loadPlugins(await writeConfig(`[{ plugin: './no-logo' }]`)), (error: Error) => {
    assert.ok(error instanceof PluginDefinitionError);
    assert.equal(error.message, `Plugin "acme" (./no-logo): logo names logo.svg, which is not in ${path.join(dir, 'no-logo')}`);
    return true;
  });
});

test('a missing plugin, a plugin that throws, a bad entry or a bad list are named', async () => {
  await rejectsWith(loadPlugins(await writeConfig(`[{ plugin: './nowhere' }]`)), 'SIGNAL_PLUGIN_NOT_FOUND', /^Plugin "\.\/nowhere": .*nowhere does not exist$/);
  await rejectsWith(loadPlugins(await writeConfig(`[{ plugin: './empty-folder' }]`)), 'SIGNAL_PLUGIN_NOT_FOUND', /^Plugin "\.\/empty-folder": no index\.ts, index\.js, index\.mjs in /);
  await rejectsWith(loadPlugins(await writeConfig(`[{ plugin: 'no-such-package-xyz' }]`)), 'SIGNAL_PLUGIN_NOT_FOUND', /^Plugin "no-such-package-xyz": no such package is installed/);
  await rejectsWith(loadPlugins(await writeConfig(`[{ plugin: './throws' }]`)), 'SIGNAL_PLUGIN_IMPORT_FAILED', /^Plugin "\.\/throws" could not be imported: boom at import$/);
  await rejectsWith(loadPlugins(await writeConfig(`[{ name: 'x' }]`)), 'SIGNAL_PLUGIN_CONFIG_INVALID', /entry 0 must be \{ plugin: string, options\?: object \}/);
  await rejectsWith(loadPlugins(await writeConfig(`[{ plugin: './acme', option: {} }]`)), 'SIGNAL_PLUGIN_CONFIG_INVALID', /entry 0 \(\.\/acme\) has an unknown key "option"/);
  await rejectsWith(loadPlugins(await writeConfig(`[{ plugin: './acme', options: 'eu' }]`)), 'SIGNAL_PLUGIN_CONFIG_INVALID', /entry 0 \(\.\/acme\): options must be an object of JSON values/);
  await rejectsWith(loadPlugins(await writeConfig(`[{ plugin: './acme', options: { when: new Date() } }]`)), 'SIGNAL_PLUGIN_CONFIG_INVALID', /options must be an object of JSON values/);
  await rejectsWith(loadPlugins(await writeConfig(`{}`)), 'SIGNAL_PLUGIN_CONFIG_INVALID', /must export default an array/);
  await rejectsWith(loadPlugins(path.join(dir, 'missing.ts')), 'SIGNAL_PLUGIN_CONFIG_NOT_FOUND', /does not exist \(SIGNAL_PLUGIN_CONFIG\)/);
  await assert.rejects(loadPlugins(await writeConfig(`[{ plugin: './nowhere' }]`)), PluginLoadError);
});

test('entries can be loaded without a config file; checkDefinition is the loader\'s check', async () => {
  const registry = await loadPluginEntries([{ plugin: './acme' }], dir);
  assert.deepEqual(registry.list().map((p) => p.id), ['acme']);
  assert.throws(() => checkDefinition({ id: 'x' }, './x'), { message: /^Plugin "x" \(\.\/x\): id must be a slug.*; send must be a function/ });
  assert.throws(() => checkDefinition(undefined, './x'), { message: 'Plugin "(no id)" (./x): (definition) must be an object (the default export of definePlugin)' });
});

test("the project's plugin.config.ts loads every listed plugin", async () => {
  const registry = await loadPlugins();
  assert.equal(DEFAULT_PLUGIN_CONFIG, path.resolve(import.meta.dirname, '../../plugin.config.ts'));
  assert.ok(registry.has('webhook'));
  for (const plugin of registry.list()) assert.match(registry.sourceOf(plugin.id)!, /^\.\/plugins\//);
});
