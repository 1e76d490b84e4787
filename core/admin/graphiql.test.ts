import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { createAdminAuth } from './admin-auth.ts';
import { graphiqlPlugin, type GraphiqlOptions } from './graphiql.ts';
import { CHROMIUM, CHROMIUM_FLAGS, runChromium } from '../../test/helpers/chromium.ts';

const TOKEN = 'sat_graphiql_test_token';

async function appWith(options: GraphiqlOptions = {}): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(graphiqlPlugin, options);
  return app;
}

/** The `src`/`href` values of the page, and its config data block. */
function parsePage(html: string): { refs: string[]; config: { endpoint: string; defaultHeaders: string; defaultQuery: string } } {
  const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
  const json = /<script type="application\/json" id="graphiql-config">([^<]*)<\/script>/.exec(html);
  assert.ok(json, 'the page has its config block');
  return { refs, config: JSON.parse(json[1]!) };
}

test('the IDE page loads nothing from outside this server', async () => {
  const app = await appWith();
  const res = await app.inject('/graphiql');
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^text\/html; charset=utf-8/);
  assert.equal(res.headers['cache-control'], 'no-cache');
  const csp = res.headers['content-security-policy'] as string;
  assert.match(csp, /(^|; )default-src 'self'(;|$)/);
  assert.match(csp, /(^|; )script-src 'self'(;|$)/, 'no inline script, no other origin');
  assert.match(csp, /(^|; )connect-src 'self'(;|$)/);
  assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
  assert.doesNotMatch(csp, /https?:|\*/);

  const html = res.body;
  assert.doesNotMatch(html, /https?:\/\//i, 'no absolute URL');
  assert.doesNotMatch(html, /\/\/cdn|unpkg|jsdelivr|googleapis/i);
  assert.doesNotMatch(html, /<script>|<script(?![^>]*\b(?:src=|type="application\/json"))[^>]*>/, 'no inline (executable) script');
  assert.doesNotMatch(html, /<style|\sstyle=/, 'no inline style');

  const { refs, config } = parsePage(html);
  for (const ref of refs) {
    if (ref === 'data:,') continue; // the empty favicon: spares a request the admin auth would refuse
    assert.match(ref, /^\/graphiql\/assets\/[\w.-]+\.[0-9a-f]{12}\.(js|css)$/, `${ref} is a local, content-hashed path`);
  }
  const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => path.basename(m[1]!).replace(/\.[0-9a-f]{12}\./, '.'));
  assert.deepEqual(scripts, ['react.production.min.js', 'react-dom.production.min.js', 'graphiql.js', 'graphiql-client.js'], 'React before ReactDOM before GraphiQL before the boot script');

  assert.equal(config.endpoint, '/graphql');
  assert.deepEqual(JSON.parse(config.defaultHeaders), { Authorization: 'Bearer ' }, 'the Headers pane is prefilled');
  assert.match(config.defaultQuery, /^# /, 'the default query is only a comment and a query');
  await app.close();
});

test('every file the page references answers with its content-type, a long cache and the real content', async () => {
  const app = await appWith();
  const { refs } = parsePage((await app.inject('/graphiql')).body);
  const bodies = new Map<string, string>();
  for (const ref of refs.filter((r) => r.startsWith('/'))) {
    const res = await app.inject(ref);
    assert.equal(res.statusCode, 200, ref);
    assert.match(res.headers['content-type'] as string, ref.endsWith('.js') ? /^text\/javascript; charset=utf-8$/ : /^text\/css; charset=utf-8$/, ref);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', ref);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', ref);
    assert.equal(res.headers['content-encoding'], undefined, 'identity unless gzip is asked for');
    bodies.set(path.basename(ref).replace(/\.[0-9a-f]{12}\./, '.'), res.body);
  }
  const file = (name: string) => bodies.get(name) ?? assert.fail(`${name} is served`);
  const react = file('react.production.min.js');
  assert.ok(react.length > 5_000);
  assert.match(react.slice(0, 200), /@license React\s+\*\s+react\.production\.min\.js/, 'the React UMD production build');
  assert.match(react, /\.version="18\.3\.1"/);
  const reactDom = file('react-dom.production.min.js');
  assert.ok(reactDom.length > 100_000);
  assert.match(reactDom.slice(0, 200), /react-dom\.production\.min\.js/);
  assert.match(reactDom, /\.version="18\.3\.1/);
  const graphiql = file('graphiql.js');
  assert.ok(graphiql.length > 1_000_000);
  assert.match(graphiql, /window\.GraphiQL = /, 'the GraphiQL UMD bundle');
  assert.match(graphiql, /GraphiQL\.createFetcher = /, 'it exposes createGraphiQLFetcher, which the boot script uses');
  const css = file('graphiql.css');
  assert.ok(css.length > 100_000);
  assert.match(css, /\.graphiql-container/);
  assert.match(file('graphiql-client.js'), /GraphiQL\.createFetcher\(\{ url: config\.endpoint \}\)/);
  assert.match(file('graphiql-client.js'), /shouldPersistHeaders: true/);
  assert.match(file('graphiql-page.css'), /#graphiql/);
  await app.close();
});

test('the bundle needs nothing from outside at run time: fonts are inline, no worker, no lazy chunk', async () => {
  const app = await appWith();
  const { refs } = parsePage((await app.inject('/graphiql')).body);
  const body = async (stem: string) => (await app.inject(refs.find((r) => r.includes(`/${stem}.`))!)).body;
  const css = await body('graphiql');
  assert.doesNotMatch(css, /@import/);
  // Every url(...) in the stylesheet is a data: URL (the Roboto and Fira Code fonts, the icons).
  const urls = [...css.matchAll(/url\(\s*['"]?([^'")]*)/g)].map((m) => m[1]!);
  assert.ok(urls.length > 10);
  assert.deepEqual(urls.filter((u) => !u.startsWith('data:')), []);
  assert.ok(urls.some((u) => u.startsWith('data:font/woff2')), 'fonts embedded');
  const js = (await app.inject(refs.find((r) => /\/graphiql\.[0-9a-f]{12}\.js$/.test(r))!)).body;
  assert.doesNotMatch(js, /new (?:Shared)?Worker\(|importScripts\(|__webpack_require__\.e\(|document\.createElement\(["']script["']\)/);
  assert.doesNotMatch(js, /unpkg\.com|cdn\.jsdelivr|fonts\.googleapis|esm\.sh/, 'no CDN host besides prose in comments');
  await app.close();
});

test('gzip when asked for, HEAD, unknown or stale files, the trailing slash', async () => {
  const app = await appWith();
  const { refs } = parsePage((await app.inject('/graphiql')).body);
  const bundle = refs.find((r) => /\/graphiql\.[0-9a-f]{12}\.js$/.test(r))!;
  const plain = await app.inject(bundle);
  const zipped = await app.inject({ url: bundle, headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(zipped.headers.vary, 'accept-encoding');
  assert.ok(zipped.rawPayload.length < plain.rawPayload.length / 3);
  assert.ok(gunzipSync(zipped.rawPayload).equals(plain.rawPayload));
  const refused = await app.inject({ url: bundle, headers: { 'accept-encoding': 'gzip;q=0, identity' } });
  assert.equal(refused.headers['content-encoding'], undefined);

  const head = await app.inject({ method: 'HEAD', url: bundle });
  assert.equal(head.statusCode, 200);
  assert.equal(head.body, '');

  assert.equal((await app.inject(bundle.replace(/[0-9a-f]{12}/, '000000000000'))).statusCode, 404, 'a stale hash');
  assert.equal((await app.inject('/graphiql/assets/graphiql.min.js')).statusCode, 404);
  assert.equal((await app.inject('/graphiql/assets/../../etc/passwd')).statusCode, 404);
  const slash = await app.inject('/graphiql/');
  assert.equal(slash.statusCode, 301);
  assert.equal(slash.headers.location, '/graphiql');
  await app.close();
});

test('path and endpoint options; anything but a path on this server is refused', async () => {
  const app = await appWith({ path: '/tools/ide', endpoint: '/api/graphql' });
  const res = await app.inject('/tools/ide');
  assert.equal(res.statusCode, 200);
  const { refs, config } = parsePage(res.body);
  assert.equal(config.endpoint, '/api/graphql');
  assert.ok(refs.filter((r) => r !== 'data:,').every((r) => r.startsWith('/tools/ide/assets/')));
  for (const ref of refs.filter((r) => r.startsWith('/'))) assert.equal((await app.inject(ref)).statusCode, 200, ref);
  assert.equal((await app.inject('/graphiql')).statusCode, 404);
  await app.close();

  // A register prefix: routes and the page's URLs both under it.
  const prefixed = Fastify();
  await prefixed.register(graphiqlPlugin, { prefix: '/admin' });
  const under = await prefixed.inject('/admin/graphiql');
  assert.equal(under.statusCode, 200);
  const local = parsePage(under.body).refs.filter((r) => r !== 'data:,');
  assert.ok(local.every((r) => r.startsWith('/admin/graphiql/assets/')), local.join());
  for (const ref of local) assert.equal((await prefixed.inject(ref)).statusCode, 200, ref);
  assert.equal((await prefixed.inject('/admin/graphiql/')).headers.location, '/admin/graphiql');
  await prefixed.close();

  for (const options of [{ endpoint: 'https://elsewhere.example/graphql' }, { endpoint: '//elsewhere.example/graphql' }, { endpoint: 'graphql' }, { path: 'graphiql' }, { path: '/graphiql/' }, { path: '/ide/:x' }]) {
    const bad = Fastify();
    await assert.rejects(async () => {
      await bad.register(graphiqlPlugin, options);
      await bad.ready();
    }, /graphiqlPlugin: (endpoint|path) must be a path on this server/, JSON.stringify(options));
    await bad.close();
  }
});

test('behind the admin token: the page and its files are public, the endpoint is not', async () => {
  const app = Fastify();
  app.addHook('onRequest', createAdminAuth(TOKEN));
  await app.register(graphiqlPlugin, {});
  app.post('/graphql', async () => ({ data: {} }));
  const page = await app.inject('/graphiql');
  assert.equal(page.statusCode, 200);
  for (const ref of parsePage(page.body).refs.filter((r) => r.startsWith('/'))) assert.equal((await app.inject(ref)).statusCode, 200, ref);
  assert.equal((await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ __typename }' } })).statusCode, 401);
  await app.close();
});

/** A live admin-like listener: a tiny mercurius schema behind the bearer token, and the IDE. */
async function liveServer(): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.addHook('onRequest', createAdminAuth(TOKEN));
  await app.register(mercurius, {
    schema: '"The root." type Query { "A greeting." hello: String! }',
    resolvers: { Query: { hello: async () => 'world' } },
    graphiql: false,
    path: '/graphql',
  });
  await app.register(graphiqlPlugin, { path: '/graphiql', endpoint: '/graphql' });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `${address}/graphiql` };
}

test('headless Chromium renders GraphiQL from this server alone', { timeout: 90_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`no Chromium at ${CHROMIUM}`);
    return;
  }
  const { app, url } = await liveServer();
  const profile = await mkdtemp(path.join(tmpdir(), 'signal-graphiql-'));
  try {
    const dom = await runChromium([...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, '--virtual-time-budget=10000', '--dump-dom', url], 60_000);
    assert.match(dom, /class="graphiql-container"/, 'GraphiQL rendered');
    assert.match(dom, /class="[^"]*\bactive\b[^"]*" data-name="headers"/, 'the Headers pane is open');
    // The schema request went to the endpoint without a token: the admin auth's answer is shown.
    assert.match(dom, /UNAUTHENTICATED/);
  } finally {
    await app.close();
    await rm(profile, { recursive: true, force: true });
  }
});

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** A small Chrome DevTools Protocol client over Node's WebSocket, for one page. */
async function openPage(wsUrl: string) {
  const socket = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 0;
  const pending = new Map<number, (message: CdpMessage) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as CdpMessage;
    if (message.id !== undefined) pending.get(message.id)?.(message);
  });
  let sessionId: string | undefined;
  const send = (method: string, params: object = {}) => new Promise<Record<string, unknown>>((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, (message) => {
      pending.delete(id);
      if (message.error) reject(new Error(`${method}: ${message.error.message}`));
      else resolve(message.result ?? {});
    });
    socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
  });
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  ({ sessionId } = await send('Target.attachToTarget', { targetId, flatten: true }) as { sessionId: string });
  await send('Page.enable');
  await send('Page.addScriptToEvaluateOnNewDocument', {
    source: `window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`,
  });
  const evaluate = async (expression: string): Promise<unknown> => {
    const reply = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }) as { result?: { value?: unknown }; exceptionDetails?: { text: string } };
    if (reply.exceptionDetails) throw new Error(`${expression}: ${reply.exceptionDetails.text}`);
    return reply.result?.value;
  };
  const waitFor = async (expression: string, ms = 15_000): Promise<unknown> => {
    const end = Date.now() + ms;
    for (;;) {
      const value = await evaluate(expression).catch(() => undefined);
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { send, evaluate, waitFor, close: () => socket.close() };
}

test('in Chromium: the token typed in the Headers pane loads the schema, runs queries and is kept across reloads', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`no Chromium at ${CHROMIUM}`);
    return;
  }
  const { app, url } = await liveServer();
  const profile = await mkdtemp(path.join(tmpdir(), 'signal-graphiql-'));
  const chrome = spawn(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => chrome.once('close', resolve));
  try {
    const wsUrl = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`Chromium gave no DevTools address: ${err.slice(-500)}`)), 30_000);
      chrome.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (match) { clearTimeout(timer); resolve(match[1]!); }
      });
    });
    const page = await openPage(wsUrl);
    const response = `document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()`;
    // The tool section holds both editors; the variables one is hidden while Headers is the active tab.
    const headerEditor = `document.querySelector('section[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror`;
    try {
      await page.send('Page.navigate', { url });
      await page.waitFor(`${response}.includes('UNAUTHENTICATED')`);
      assert.deepEqual(JSON.parse(await page.evaluate(`${headerEditor}.getValue()`) as string), { Authorization: 'Bearer ' });

      // Typing the token makes the IDE fetch the schema again: the docs pane then knows Query.hello.
      await page.evaluate(`${headerEditor}.setValue(JSON.stringify({ Authorization: 'Bearer ${TOKEN}' }))`);
      await page.evaluate(`document.querySelector('[aria-label="Show Documentation Explorer"]').click()`);
      await page.waitFor(`document.querySelector('.graphiql-doc-explorer')?.innerText.includes('query: Query')`);

      await page.evaluate(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('{ hello }')`);
      await page.evaluate(`document.querySelector('.graphiql-execute-button').click()`);
      assert.deepEqual(JSON.parse(await page.waitFor(`(t => t.includes('world') && t)(${response})`) as string), { data: { hello: 'world' } });

      // A dialog too (its scroll lock inserts a <style>: the reason for style-src 'unsafe-inline').
      await page.evaluate(`document.querySelector('[aria-label="Open settings dialog"]').click()`);
      await page.waitFor(`!!document.querySelector('[role="dialog"]')`);
      assert.deepEqual(await page.evaluate('window.__violations'), [], 'no Content-Security-Policy violation');

      await page.send('Page.reload');
      await page.waitFor(`${headerEditor}.getValue().includes('${TOKEN}')`);
      assert.deepEqual(JSON.parse(await page.evaluate(`${headerEditor}.getValue()`) as string), { Authorization: `Bearer ${TOKEN}` }, 'headers kept in localStorage');
      assert.equal(await page.evaluate('location.search'), '', 'the token never goes in the URL');
    } finally {
      page.close();
    }
  } finally {
    // SIGTERM lets Chromium take its helper processes down with it; SIGKILL if it lingers.
    chrome.kill('SIGTERM');
    const killer = setTimeout(() => chrome.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
    await app.close();
    await rm(profile, { recursive: true, force: true });
  }
});
