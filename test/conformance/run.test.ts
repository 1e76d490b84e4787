// The one-command runner, run as a plugin author runs it: on a good plugin it passes; on a
// plugin that breaks the contract it fails, naming the check.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PLUGIN_ID_PATTERN } from '../../core/sdk/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUN = path.join(ROOT, 'test/conformance/run.ts');
let dir: string;

function runner(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUN, ...args], { cwd: dir, env: { ...process.env, NODE_TEST_CONTEXT: undefined, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A plain-JS third-party plugin in its own folder, with a logo. */
async function writePlugin(name: string, body: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(dir, name, 'index.js'), `export default {
    id: 'acme', name: 'Acme', category: 'analytics', description: 'Acme events', logo: 'logo.svg', version: '1.0.0', signal: '>=0.1.0',
    config: { type: 'object', required: ['api_key'], properties: { api_key: { type: 'string', title: 'API key', secret: true, minLength: 8 } } },
    vendorFields: { name: { required: true } }, consent: [], rateLimit: { rps: 10 }, batch: { maxEvents: 5, maxBytes: 100000 },
    ${body}
  };`);
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'signal-conformance-'));
  await writePlugin('good', `
    variants: { default: { description: 'as is', map: (e) => ({ name: e.event ?? e.type, id: e.messageId }) } },
    send: (batch, ctx) => {
      const out = [];
      for (let i = 0; i < batch.length; i += 5) {
        const part = batch.slice(i, i + 5);
        out.push({ method: 'POST', url: 'https://api.acme.test/e', headers: { 'x-key': String(ctx.config.api_key) }, body: { events: part.map((e) => e.payload) }, eventIds: part.map((e) => e.id) });
      }
      return out;
    },`);
  await writePlugin('bad', `
    variants: { default: { description: 'impure', map: (e) => { return { name: e.event ?? e.type, at: Math.random() }; } } },
    send: (batch) => [{ method: 'POST', url: 'https://api.acme.test/e', body: batch.map((e) => e.payload), eventIds: [...batch.map((e) => e.id), batch[0].id] }],
    classify: (response) => (response.status < 300 ? { status: 'delivered' } : { status: 'retry', reason: 'always retry' }),
    neverSends: (e) => (e.type === 'page' ? 'pages are not sent' : undefined),`);
  // The natural mistake: naming events by messageId (the vendor's dedup key) in eventIds.
  await writePlugin('msgid', `
    variants: { default: { description: 'as is', map: (e) => ({ name: e.event ?? e.type, id: e.messageId }) } },
    send: (batch) => {
      const out = [];
      for (let i = 0; i < batch.length; i += 5) {
        const part = batch.slice(i, i + 5);
        out.push({ method: 'POST', url: 'https://api.acme.test/e', body: { events: part.map((e) => e.payload) }, eventIds: part.map((e) => e.event.messageId) });
      }
      return out;
    },`);
  // An npm-style plugin shipping its blueprint in its own folder, named by an absolute path.
  await writePlugin('own-blueprint', `
    variants: { default: { description: 'its own blueprint', blueprint: (await import('node:url')).fileURLToPath(new URL('./default.yaml', import.meta.url)) } },
    send: (batch) => {
      const out = [];
      for (let i = 0; i < batch.length; i += 5) {
        const part = batch.slice(i, i + 5);
        out.push({ method: 'POST', url: 'https://api.acme.test/e', body: { events: part.map((e) => e.payload) }, eventIds: part.map((e) => e.id) });
      }
      return out;
    },`);
  await writeFile(path.join(dir, 'own-blueprint', 'default.yaml'), 'version: 2\nglobal:\n  - { source: event, target: name }\n  - { source: messageId, target: id }\ndefaults:\n  action: pass_through\n');
  await writePlugin('invalid', `
    variants: { default: { description: 'x', map: (e) => ({}) } }, batch: { maxEvents: 0, maxBytes: 10 },
    send: () => [],`);
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ api_key: 'acme-key-123' }));
  await writeFile(path.join(dir, 'bad-config.json'), JSON.stringify({ api_key: 'short' }));
});
// Under --test-name-pattern matching none of this file's tests, `before` never ran.
after(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

test('a conforming third-party plugin passes with the one command', async () => {
  const { code, output } = await runner('./good', 'config.json');
  assert.equal(code, 0, output);
  assert.match(output, /conformance: acme/);
  assert.match(output, /pass 6/);
});

test('the shipped webhook plugin passes from any folder', async () => {
  const { code, output } = await runner(path.join(ROOT, 'plugins/webhook'));
  assert.equal(code, 0, output);
});

test('a plugin that breaks the contract fails, naming each broken check', async () => {
  const { code, output } = await runner('./bad', 'config.json');
  assert.equal(code, 1, output);
  for (const check of ['mapping is deterministic and pure', 'neverSends refuses only events the mapping drops', 'requests honour the batch limits', 'the classifier maps 2xx, 4xx, 429 and 5xx']) {
    assert.match(output, new RegExp(`✖ variant "default": ${check}|✖ ${check}`), `${check} fails`);
  }
  assert.match(output, /more than batch\.maxEvents 5/);
  assert.match(output, /HTTP 400/);
  assert.match(output, /is refused by neverSends \(pages are not sent\) but the mapping sends it: it would be lost/);
});

test('a plugin naming its events by messageId instead of MappedEvent.id fails, told what to use', async () => {
  const { code, output } = await runner('./msgid', 'config.json');
  assert.equal(code, 1, output);
  assert.match(output, /✖ variant "default": requests honour the batch limits and carry every event once/);
  assert.match(output, /eventIds name the events by event\.messageId: use each MappedEvent's id \(eventIds: part\.map\(\(e\) => e\.id\)\)/);
  assert.match(output, /the core names the second "[^"]+#2"/);
});

test('a plugin installed from npm may ship its own blueprint, named by an absolute path', async () => {
  const { code, output } = await runner('./own-blueprint', 'config.json');
  assert.equal(code, 0, output);
});

test('a config the schema refuses is reported as such', async () => {
  const { code, output } = await runner('./good', 'bad-config.json');
  assert.equal(code, 1, output);
  assert.match(output, /✖ the config schema compiles and accepts the sample config/);
});

test('a plugin folder\'s conformance-config.json is the config when none is given; a config given wins', async () => {
  // Without a config the good plugin's required api_key would be a generated sample; its folder's
  // file is used instead: the short key there is refused, which proves it was read.
  await writeFile(path.join(dir, 'good', 'conformance-config.json'), JSON.stringify({ api_key: 'short' }));
  try {
    const declared = await runner('./good');
    assert.equal(declared.code, 1, declared.output);
    assert.match(declared.output, /✖ the config schema compiles and accepts the sample config/);
    assert.match(declared.output, /"api_key":"short"/);
    const given = await runner('./good', 'config.json');
    assert.equal(given.code, 0, given.output);
    await writeFile(path.join(dir, 'good', 'conformance-config.json'), '[1]');
    const notObject = await runner('./good');
    assert.equal(notObject.code, 2, notObject.output);
    assert.match(notObject.output, /conformance-config\.json must hold a JSON object: the plugin's config/);
  } finally {
    await rm(path.join(dir, 'good', 'conformance-config.json'), { force: true });
  }
});

test('an invalid definition stops before the suite, naming the plugin and the field', async () => {
  const { code, output } = await runner('./invalid');
  assert.equal(code, 1, output);
  assert.match(output, /Plugin "acme" \(\.\/invalid\): batch\.maxEvents must be a positive integer \(got 0\).*\[SIGNAL_PLUGIN_INVALID\]/);
});

test('the README states the plugin id rule the definition check applies (2–50 characters)', async () => {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const rule = /`id` is a slug of (\d+)–(\d+) characters \(`([^`]+)`\)/.exec(readme);
  assert.ok(rule, 'README "Plugins" gives the id rule');
  assert.equal(`^${rule[3]}$`, PLUGIN_ID_PATTERN.source);
  const [min, max] = [Number(rule[1]), Number(rule[2])];
  assert.deepEqual([min - 1, min, max, max + 1].map((n) => PLUGIN_ID_PATTERN.test('a'.repeat(n))), [false, true, true, false]);
});

test('usage errors exit with 2', async () => {
  assert.equal((await runner()).code, 2);
  const missing = await runner('./good', 'nope.json');
  assert.equal(missing.code, 2);
  assert.match(missing.output, /nope\.json: ENOENT/);
});
