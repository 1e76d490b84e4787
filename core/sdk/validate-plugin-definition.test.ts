import assert from 'node:assert/strict';
import { test } from 'node:test';
import pluginConfig from '../../plugin.config.ts';
import { fixturePlugin } from '../../test/helpers/fixture-plugin.ts';
import type { PluginDefinition } from './types.ts';
import { definePlugin } from './define-plugin.ts';
import { validatePluginDefinition } from './validate-plugin-definition.ts';

function problemsOf(overrides: Record<string, unknown>): Map<string, string> {
  const def = { ...fixturePlugin, config: structuredClone(fixturePlugin.config), ...overrides } as unknown as PluginDefinition;
  return new Map(validatePluginDefinition(def, './plugins/fixture').map((p) => [p.field, p.message]));
}

function assertProblem(overrides: Record<string, unknown>, field: string, message: RegExp): void {
  const problems = problemsOf(overrides);
  assert.ok(problems.has(field), `${field} is reported for ${JSON.stringify(Object.keys(overrides))} (got ${[...problems.keys()].join(', ') || 'none'})`);
  assert.match(problems.get(field)!, message);
}

test('the fixture plugin and every shipped plugin are valid', async () => {
  assert.deepEqual(validatePluginDefinition(fixturePlugin), []);
  // Every plugin plugin.config.ts loads from this repository: a new one is checked once listed there.
  const shipped = pluginConfig.map((entry) => entry.plugin).filter((source) => source.startsWith('./plugins/'));
  assert.ok(shipped.length >= 20, `plugin.config.ts lists the shipped plugins (${shipped.length})`);
  for (const source of shipped) {
    const module = (await import(`../../${source.slice(2)}/index.ts`)) as { default: PluginDefinition };
    assert.deepEqual(validatePluginDefinition(module.default), [], source);
  }
});

test('a definition definePlugin made is not checked again; an equal one not made by it is', () => {
  const made = definePlugin({ ...fixturePlugin, id: 'made_once' });
  assert.deepEqual(validatePluginDefinition(made), []);
  // The same fields in an object definePlugin never saw: checked in full (here: a bad batch limit).
  assert.deepEqual([...problemsOf({ ...made, batch: { ...made.batch, maxEvents: 0 } }).keys()], ['batch.maxEvents']);
});

test('problems name the plugin, the source and the field', () => {
  const [problem] = validatePluginDefinition({ ...fixturePlugin, batch: { maxEvents: 0, maxBytes: 10 } }, './plugins/fixture');
  assert.deepEqual(problem, { plugin: 'fixture', source: './plugins/fixture', field: 'batch.maxEvents', message: 'must be a positive integer (got 0)' });
  assert.deepEqual(validatePluginDefinition(null), [{ plugin: '(no id)', field: '(definition)', message: 'must be an object (the default export of definePlugin)' }]);
  assert.deepEqual(validatePluginDefinition([]).map((p) => p.field), ['(definition)']);
});

test('metadata: id slug, name, description, logo, category, version, signal range', () => {
  for (const id of ['Bad Id', 'a', '1abc', 'has-dash', 'x'.repeat(51), 42]) assertProblem({ id }, 'id', /must be a slug/);
  for (const id of ['ab', 'meta_capi', 'ga4', `a${'b'.repeat(49)}`]) assert.ok(!problemsOf({ id }).has('id'), id);
  assertProblem({ name: '  ' }, 'name', /non-empty/);
  assertProblem({ description: undefined }, 'description', /non-empty/);
  for (const logo of ['/etc/logo.svg', '../logo.svg', 'img/../../x.svg', 'logo.exe', 'http://cdn.example.com/l.svg', '']) assertProblem({ logo }, 'logo', /image path relative to the plugin folder/);
  for (const logo of ['logo.svg', 'assets/logo.png', 'https://cdn.example.com/acme.svg']) assert.ok(!problemsOf({ logo }).has('logo'), logo);
  assertProblem({ category: 'social' }, 'category', /must be one of: advertising, analytics, attribution, cdp, cloud_storage, other \(got "social"\)/);
  for (const version of ['one', '1.0', 'v1.0.0', '=1.0.0']) assertProblem({ version }, 'version', /semver version/);
  assert.ok(!problemsOf({ version: '2.0.0-beta.1' }).has('version'));
  for (const signal of ['whenever', '', 5]) assertProblem({ signal }, 'signal', /semver range/);
  for (const signal of ['^0.1.0', '>=0.1.0 <2', '0.x']) assert.ok(!problemsOf({ signal }).has('signal'), signal);
});

test('unknown fields are refused, naming the typo', () => {
  assertProblem({ clasify: () => ({ status: 'delivered' }) }, 'clasify', /is not a field of the plugin contract/);
  assertProblem({ enrichment: {} }, 'enrichment', /is not a field of the plugin contract/);
});

test('config: a compiling object schema, titled properties, real required names, valid defaults', () => {
  assertProblem({ config: { type: 'array' } }, 'config', /JSON Schema of type object with properties/);
  assertProblem({ config: { type: 'object', properties: { api_key: { type: 'strin', title: 'Key' } } } }, 'config', /does not compile as JSON Schema/);
  assertProblem({ config: { type: 'object', properties: { api_key: { type: 'string' } } } }, 'config.properties.api_key.title', /is required/);
  assertProblem({ config: { type: 'object', properties: { api_key: { type: 'string', title: '' } } } }, 'config.properties.api_key.title', /is required/);
  assertProblem({ config: { type: 'object', required: ['token'], properties: { api_key: { type: 'string', title: 'Key' } } } }, 'config.required', /names "token", which is not a property/);
  assertProblem({ config: { type: 'object', properties: { region: { type: 'string', title: 'Region', enum: ['us', 'eu'], enumLabels: ['US'] } } } }, 'config.properties.region.enumLabels', /one label per enum value/);
  assertProblem({ config: { type: 'object', properties: { size: { type: 'integer', title: 'Size', maximum: 10, default: 50 } } } }, 'config.properties.size.default', /not valid for its own schema: data must be <= 10/);
  assertProblem({ config: { type: 'object', properties: { size: { type: 'integer', title: 'Size', maximum: 10, examples: [5, 50] } } } }, 'config.properties.size.examples[1]', /not valid for its own schema: data must be <= 10/);
  assertProblem({ config: { type: 'object', properties: { size: { type: 'integer', title: 'Size', examples: 5 } } } }, 'config', /examples must be array/);
  // Each value is checked alone: a field's $ref into the schema's $defs resolves, a key that is
  // a JSON pointer's special character names the value itself, and one field's bad default
  // does not blame another's.
  assertProblem({ config: { type: 'object', $defs: { small: { type: 'integer', maximum: 3 } }, properties: { n: { title: 'N', type: 'integer', $ref: '#/$defs/small', default: 4 } } } }, 'config.properties.n.default', /not valid for its own schema: data must be <= 3/);
  const twoFields = problemsOf({ config: { type: 'object', properties: { 'a/b~c': { type: 'string', title: 'A', default: 1 }, ok: { type: 'string', title: 'Ok', default: 'x', examples: ['y'] } } } });
  assert.deepEqual([...twoFields].map(([field, message]) => `${field} ${message}`), ['config.properties.a/b~c.default is not valid for its own schema: data must be string']);
  assertProblem({ config: { type: 'object', properties: { size: { title: 'Size' } } } }, 'config.properties.size.type', /must be one of string, number, integer, boolean, object, array \(got nothing\)/);
  assertProblem({ config: { type: 'object', properties: { size: { type: ['string', 'null'], title: 'Size' } } } }, 'config.properties.size.type', /must be one of/);
  assertProblem({ config: { type: 'object', properties: { key: { type: 'string', title: 'Key', secret: 'yes' } } } }, 'config', /does not compile/);
  assertProblem({ config: { type: 'object', properties: { key: { type: 'string', title: 'Key', placeholder: 'x' } } } }, 'config', /does not compile.*unknown keyword: "placeholder"/);
  // The UI keywords are known to the compiler.
  assert.equal(problemsOf({ config: { type: 'object', properties: { r: { type: 'string', title: 'R', enum: ['a'], enumLabels: ['A'], secret: true } } } }).size, 0);
});

test('variants: at least one, slug names, described, with a blueprint path or a map function', () => {
  assertProblem({ variants: {} }, 'variants', /at least one variant/);
  assertProblem({ variants: { default: { description: 'x' } } }, 'variants.default', /needs a blueprint .* or a map function/);
  assertProblem({ variants: { Retail: { description: 'x', map: () => ({}) } } }, 'variants.Retail', /slug/);
  assertProblem({ variants: { default: { map: () => ({}) } } }, 'variants.default.description', /non-empty string/);
  assertProblem({ variants: { default: { description: 'x', blueprint: '../secrets.yaml' } } }, 'variants.default.blueprint', /path under blueprints\//);
  assertProblem({ variants: { default: { description: 'x', blueprint: '/abs/acme.txt' } } }, 'variants.default.blueprint', /or an absolute path to a \.yaml file/);
  // A plugin from npm ships its blueprint in its own folder, named by an absolute path.
  assert.equal(problemsOf({ variants: { default: { description: 'x', blueprint: '/opt/plugins/acme/default.yaml' } } }).size, 0);
  assertProblem({ variants: { default: { description: 'x', map: 'identity' } } }, 'variants.default.map', /must be a function/);
  assert.equal(problemsOf({ variants: { retail: { description: 'Retail', blueprint: 'acme/retail.yaml' } } }).size, 0);
});

test('limits and declarations: batch, rateLimit, consent, cookies, vendorFields', () => {
  assertProblem({ batch: { maxEvents: 0, maxBytes: 10 } }, 'batch.maxEvents', /^must be a positive integer \(got 0\)$/);
  assertProblem({ batch: { maxEvents: 10, maxBytes: -1 } }, 'batch.maxBytes', /positive integer/);
  assertProblem({ batch: undefined }, 'batch', /maxEvents, maxBytes/);
  assertProblem({ rateLimit: { rps: -1 } }, 'rateLimit.rps', /above 0/);
  assertProblem({ rateLimit: { rps: Number.POSITIVE_INFINITY } }, 'rateLimit.rps', /above 0/);
  assertProblem({ rateLimit: { rps: 10, burst: 0 } }, 'rateLimit.burst', /above 0/);
  assertProblem({ rateLimit: { rps: 10, daily: 1.5 } }, 'rateLimit.daily', /whole number/);
  assertProblem({ rateLimit: { rps: 10, endpoints: { users: { rps: 0 } } } }, 'rateLimit.endpoints.users.rps', /above 0/);
  assertProblem({ rateLimit: { rps: 10, endpoints: { 'a b': { rps: 1 } } } }, 'rateLimit.endpoints.a b', /named with/);
  assertProblem({ rateLimit: { rps: 10, endpoints: { users: { rps: 1, daily: 5 } } } }, 'rateLimit.endpoints.users', /unknown fields daily/);
  assertProblem({ rateLimit: { rps: 10, endpoints: [] } }, 'rateLimit.endpoints', /must be/);
  assertProblem({ successAnswer: { status: 404, body: {} } }, 'successAnswer.status', /2xx/);
  assertProblem({ successAnswer: { status: 200 } }, 'successAnswer', /body/);
  assertProblem({ consent: 'analytics' }, 'consent', /array of category names/);
  assertProblem({ consent: [''] }, 'consent', /array of category names/);
  assertProblem({ cookies: ['ok', 'bad name;'] }, 'cookies', /cookie names/);
  assertProblem({ vendorFields: { user_id: { required: 'yes' } } }, 'vendorFields.user_id.required', /boolean/);
  assertProblem({ vendorFields: undefined }, 'vendorFields', /required: boolean/);
});

test('functions and routes', () => {
  assertProblem({ send: 'nope' }, 'send', /must be a function/);
  assertProblem({ classify: {} }, 'classify', /must be a function when given/);
  assertProblem({ validateConfig: true }, 'validateConfig', /must be a function when given/);
  assertProblem({ configWarnings: 'v26' }, 'configWarnings', /must be a function when given/);
  assertProblem({ sign: 'hmac' }, 'sign', /must be a function when given/);
  assertProblem({ map: 1 }, 'map', /must be a function when given/);
  assertProblem({ routes: {} }, 'routes', /must be an array/);
  assertProblem({ routes: [{ method: 'TRACE', path: 'x', handler: null }] }, 'routes[0].method', /one of GET, POST/);
  assertProblem({ routes: [{ method: 'GET', path: 'x', handler: () => ({ status: 200, body: null }) }] }, 'routes[0].path', /start with \//);
  assertProblem({ routes: [{ method: 'GET', path: '/x' }] }, 'routes[0].handler', /must be a function/);
  const handler = () => ({ status: 200, body: null });
  assertProblem({ routes: [{ method: 'GET', path: '/x', handler }, { method: 'GET', path: '/x', handler }] }, 'routes[1]', /repeats GET \/x/);
});

test('partner enrichment: its functions, its fields and cache lifetimes', () => {
  const fn = () => null;
  const enrich = { enabled: fn, identities: fn, lookup: fn, read: fn };
  assert.ok(![...problemsOf({ enrich }).keys()].some((field) => field.startsWith('enrich')));
  assertProblem({ enrich: [] }, 'enrich', /must be \{ enabled, identities, lookup, read/);
  assertProblem({ enrich: { ...enrich, read: undefined } }, 'enrich.read', /must be a function/);
  assertProblem({ enrich: { ...enrich, browserAttributes: 'a,b' } }, 'enrich.browserAttributes', /must be a function when given/);
  assertProblem({ enrich: { ...enrich, personalize: fn } }, 'enrich.readPersonalized', /must be given with personalize/);
  assertProblem({ enrich: { ...enrich, lookUp: fn } }, 'enrich.lookUp', /is not a field of enrich/);
  assertProblem({ enrich: { ...enrich, cacheSeconds: { found: 0 } } }, 'enrich.cacheSeconds.found', /from 1 to 86400 \(got 0\)/);
  assertProblem({ enrich: { ...enrich, cacheSeconds: { hit: 5 } } }, 'enrich.cacheSeconds.hit', /is not one of found, notFound, personalized/);
});

test('forwarding person deletions: its functions and fields', () => {
  const fn = () => null;
  const forgetPerson = { enabled: fn, request: fn };
  assert.ok(![...problemsOf({ forgetPerson }).keys()].some((field) => field.startsWith('forgetPerson')));
  assertProblem({ forgetPerson: fn }, 'forgetPerson', /must be \{ enabled, request, read\? \}/);
  assertProblem({ forgetPerson: { enabled: fn } }, 'forgetPerson.request', /must be a function/);
  assertProblem({ forgetPerson: { ...forgetPerson, read: 'json' } }, 'forgetPerson.read', /must be a function when given/);
  assertProblem({ forgetPerson: { ...forgetPerson, delete: fn } }, 'forgetPerson.delete', /is not a field of forgetPerson/);
});

test('an access token exchange: where it is used, its functions and fields', () => {
  const fn = () => null;
  const accessToken = { usedBy: ['delivery'], enabled: fn, request: fn };
  assert.ok(![...problemsOf({ accessToken }).keys()].some((field) => field.startsWith('accessToken')));
  assertProblem({ accessToken: fn }, 'accessToken', /must be \{ usedBy, enabled, request, read\?, rotates\?, refused\? \}/);
  assertProblem({ accessToken: { ...accessToken, usedBy: [] } }, 'accessToken.usedBy', /one or more of delivery, forgetPerson/);
  assertProblem({ accessToken: { ...accessToken, usedBy: ['enrich'] } }, 'accessToken.usedBy', /one or more of delivery, forgetPerson \(got \["enrich"\]\)/);
  assertProblem({ accessToken: { ...accessToken, usedBy: ['forgetPerson'] } }, 'accessToken.usedBy', /names forgetPerson, which the plugin does not declare/);
  assert.ok(![...problemsOf({ accessToken: { ...accessToken, usedBy: ['forgetPerson'] }, forgetPerson: { enabled: fn, request: fn } }).keys()].some((field) => field.startsWith('accessToken')));
  assertProblem({ accessToken: { ...accessToken, request: 'https://x' } }, 'accessToken.request', /must be a function/);
  assertProblem({ accessToken: { ...accessToken, read: {} } }, 'accessToken.read', /must be a function when given/);
  assertProblem({ accessToken: { ...accessToken, refused: true } }, 'accessToken.refused', /must be a function when given/);
  assert.ok(![...problemsOf({ accessToken: { ...accessToken, refused: fn } }).keys()].some((field) => field.startsWith('accessToken')));
  assertProblem({ accessToken: { ...accessToken, refresh: fn } }, 'accessToken.refresh', /is not a field of accessToken/);
  // rotates names the secret string field holding the refresh token.
  const config = { type: 'object', properties: { refresh_token: { type: 'string', title: 'Refresh token', secret: true }, region: { type: 'string', title: 'Region' } } };
  assert.ok(![...problemsOf({ config, accessToken: { ...accessToken, rotates: 'refresh_token' } }).keys()].some((field) => field.startsWith('accessToken')));
  for (const rotates of ['region', 'refreshToken', 5]) {
    assertProblem({ config, accessToken: { ...accessToken, rotates } }, 'accessToken.rotates', /must name a secret string field of config, the one holding the refresh token/);
  }
});

test('click ids: a URL parameter, one of the plugin\'s cookies, days within browsers\' cap', () => {
  const clickIds = [{ param: 'fbclid', cookie: '_fbc', days: 90, value: () => 'v' }];
  assert.ok(![...problemsOf({ clickIds, cookies: ['_fbc'] }).keys()].some((field) => field.startsWith('clickIds')));
  assertProblem({ clickIds: {}, cookies: ['_fbc'] }, 'clickIds', /must be an array/);
  assertProblem({ clickIds, cookies: [] }, 'clickIds[0].cookie', /must be one of the plugin's cookies too, .*add "_fbc" to cookies/);
  assertProblem({ clickIds: [{ ...clickIds[0], param: 'fb clid' }], cookies: ['_fbc'] }, 'clickIds[0].param', /URL parameter name/);
  assertProblem({ clickIds: [{ ...clickIds[0], days: 401 }], cookies: ['_fbc'] }, 'clickIds[0].days', /1 to 400/);
  assertProblem({ clickIds: [{ ...clickIds[0], anyCase: 'yes' }], cookies: ['_fbc'] }, 'clickIds[0].anyCase', /boolean/);
  assertProblem({ clickIds: [{ ...clickIds[0], padded: 1 }], cookies: ['_fbc'] }, 'clickIds[0].padded', /boolean/);
  assertProblem({ clickIds: [{ ...clickIds[0], value: 'fb.1' }], cookies: ['_fbc'] }, 'clickIds[0].value', /function/);
  assertProblem({ clickIds: [{ ...clickIds[0], domain: 'x' }], cookies: ['_fbc'] }, 'clickIds[0].domain', /is not a field of a click id/);
});

test('processingReport: seconds from 10 to a day, checks from 1 to 20, three functions, nothing else', () => {
  const report = { afterSeconds: 600, receipt: () => 'r', request: () => ({ method: 'GET' as const, url: 'https://x.test', eventIds: [] }), read: () => ({ pending: true as const }) };
  assert.deepEqual(validatePluginDefinition({ ...fixturePlugin, processingReport: report }), []);
  const problems = (processingReport: unknown) => validatePluginDefinition({ ...fixturePlugin, processingReport } as PluginDefinition).map((p) => `${p.field} ${p.message}`);
  assert.deepEqual(problems({ ...report, afterSeconds: 5 }), ['processingReport.afterSeconds must be a whole number of seconds from 10 to 86400 (got 5)']);
  assert.deepEqual(problems({ ...report, maxChecks: 0 }), ['processingReport.maxChecks must be a whole number from 1 to 20 when given (got 0)']);
  assert.deepEqual(problems({ ...report, read: 'SUCCESS', every: 60 }), ['processingReport.read must be a function', 'processingReport.every is not a field of processingReport (afterSeconds, maxChecks, receipt, request, read)']);
  assert.deepEqual(problems(true), ['processingReport must be { afterSeconds, maxChecks?, receipt, request, read }']);
});
