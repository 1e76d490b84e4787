import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const require = createRequire(import.meta.url);
const gzipAsync = promisify(gzip);

export interface GraphiqlOptions {
  /** Where the IDE page is served; its files are under `<path>/assets/`. Default `/graphiql`. */
  path?: string;
  /** The GraphQL endpoint the IDE queries: a path on this server. Default `/graphql`. */
  endpoint?: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * A file inside an installed package. Found from its package.json: react's and react-dom's
 * `exports` do not list their UMD builds, so `require.resolve('react/umd/…')` would throw.
 */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** The page's own few rules, served as a file: the CSP allows no inline `<style>` element. */
const PAGE_CSS = `html, body { height: 100%; margin: 0; }
#graphiql { height: 100vh; }
.signal-graphiql-loading { font: 14px/1.5 system-ui, sans-serif; padding: 1rem; color: #555; }
`;

/**
 * Everything the page loads, in order. No CDN: the UMD bundles come from node_modules, so the IDE
 * works behind a firewall. graphiql.min.css carries its fonts (Roboto, Fira Code) and icons as
 * data: URLs, and the bundle loads nothing else at run time (no worker, no lazy chunk).
 */
function assetSources(): Array<{ stem: string; ext: 'js' | 'css'; body: Buffer }> {
  const read = (file: string) => readFileSync(file);
  return [
    { stem: 'graphiql-page', ext: 'css', body: Buffer.from(PAGE_CSS) },
    { stem: 'graphiql', ext: 'css', body: read(packageFile('graphiql', 'graphiql.min.css')) },
    { stem: 'react.production.min', ext: 'js', body: read(packageFile('react', 'umd/react.production.min.js')) },
    { stem: 'react-dom.production.min', ext: 'js', body: read(packageFile('react-dom', 'umd/react-dom.production.min.js')) },
    { stem: 'graphiql', ext: 'js', body: read(packageFile('graphiql', 'graphiql.min.js')) },
    { stem: 'graphiql-client', ext: 'js', body: read(fileURLToPath(new URL('./graphiql-client.js', import.meta.url))) },
  ];
}

/**
 * The page's policy: nothing but this server. Styles allow 'unsafe-inline' because GraphiQL's
 * dialogs (Radix's scroll lock) insert `<style>` elements at run time and the bundle offers no way
 * to give them a nonce; scripts stay strictly 'self'. Fonts and the CSS's icons are data: URLs.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Escapes text for an HTML attribute value or element content. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const DEFAULT_QUERY = `# Signal admin API. Every call needs the admin token:
# put it in the Headers pane below, as
#   { "Authorization": "Bearer <SIGNAL_ADMIN_TOKEN>" }
# The schema (and the Docs pane) loads once it is there.

{
  pipelines { id name enabled keys { prefix } }
  catalog { id name category }
}
`;

function page(assets: Array<{ url: string; ext: string }>, config: { endpoint: string; defaultQuery: string; defaultHeaders: string }): string {
  const styles = assets.filter((a) => a.ext === 'css').map((a) => `  <link rel="stylesheet" href="${escapeHtml(a.url)}">`);
  const scripts = assets.filter((a) => a.ext === 'js').map((a) => `  <script src="${escapeHtml(a.url)}"></script>`);
  // A data block, not a script: the CSP does not run it. '<' escaped so nothing in it can close it.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>Signal admin · GraphiQL</title>
  <link rel="icon" href="data:,">
${styles.join('\n')}
</head>
<body>
  <div id="graphiql"><p class="signal-graphiql-loading">Loading GraphiQL…</p></div>
  <noscript><p class="signal-graphiql-loading">GraphiQL needs JavaScript. The GraphQL API itself is at ${escapeHtml(config.endpoint)}.</p></noscript>
  <script type="application/json" id="graphiql-config">${json}</script>
${scripts.join('\n')}
</body>
</html>
`;
}

/** Whether an Accept-Encoding header takes gzip (and does not refuse it with q=0). */
function acceptsGzip(header: string | undefined): boolean {
  const entries = (header ?? '').toLowerCase().split(',').map((part) => part.trim());
  const entry = entries.find((part) => /^gzip\s*(;|$)/.test(part)) ?? entries.find((part) => /^\*\s*(;|$)/.test(part));
  return entry !== undefined && !/;\s*q=0(\.0*)?\s*$/.test(entry);
}

/**
 * `/graphiql`-like: segments of letters, digits and `._~-`, no trailing '/'. (No ':' or '*':
 * Fastify would read them as a parameter or a wildcard.)
 */
function checkPath(value: string): string {
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) {
    throw new TypeError(`graphiqlPlugin: path must be a path on this server such as "/graphiql" (got ${JSON.stringify(value)})`);
  }
  return value;
}

/**
 * Serves GraphiQL 3 for a GraphQL endpoint of this server, with every script, stylesheet and font
 * from this server (the UMD bundles of graphiql, react and react-dom in node_modules): no CDN, so
 * it works behind a firewall, under a strict Content-Security-Policy. The page and its files hold
 * no data and need no token; the user types `{"Authorization": "Bearer <token>"}` in the IDE's
 * Headers pane (prefilled with `Bearer `), which GraphiQL keeps in the browser's localStorage, never
 * in a URL. The files are read once, here; their URLs carry a content hash, so they are cached for
 * a year, and sent gzipped to browsers that accept it.
 *
 * A plain (encapsulated) plugin: its routes are still behind hooks the parent added before it, so
 * the parent's auth hook must let `<path>` and `<path>/assets/…` through (the admin listener's
 * does for `/graphiql`). A register `prefix` is honoured (the page's URLs include it).
 *
 * @example
 * import { graphiqlPlugin } from './admin/graphiql.ts';
 * await app.register(graphiqlPlugin, { path: '/graphiql', endpoint: '/graphql' });
 * // → GET /graphiql: the IDE; GET /graphiql/assets/graphiql.<hash>.js etc.: its files
 */
export async function graphiqlPlugin(app: FastifyInstance, options: GraphiqlOptions): Promise<void> {
  const base = checkPath(options.path ?? '/graphiql');
  // The URLs the browser sees: with a register `prefix`, routes are under it.
  const mounted = `${app.prefix}${base}`;
  const endpoint = options.endpoint ?? '/graphql';
  if (!/^\/(?!\/)\S*$/.test(endpoint)) {
    // connect-src 'self' lets the page talk to this server only.
    throw new TypeError(`graphiqlPlugin: endpoint must be a path on this server such as "/graphql" (got ${JSON.stringify(endpoint)})`);
  }

  const assets = assetSources().map((source) => {
    const hash = createHash('sha256').update(source.body).digest('hex').slice(0, 12);
    const route = `${base}/assets/${source.stem}.${hash}.${source.ext}`;
    let gzipped: Promise<Buffer> | undefined;
    return { ...source, route, url: `${app.prefix}${route}`, type: source.ext === 'js' ? JS : CSS, gzipped: () => (gzipped ??= gzipAsync(source.body, { level: 6 })) };
  });
  const html = page(assets, {
    endpoint,
    defaultQuery: DEFAULT_QUERY,
    defaultHeaders: JSON.stringify({ Authorization: 'Bearer ' }, null, 2),
  });

  app.get(base, async (_request: FastifyRequest, reply: FastifyReply) => {
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .send(html);
  });
  app.get(`${base}/`, async (_request: FastifyRequest, reply: FastifyReply) => reply.redirect(mounted, 301));

  for (const asset of assets) {
    app.get(asset.route, async (request: FastifyRequest, reply: FastifyReply) => {
      reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('vary', 'accept-encoding');
      if (acceptsGzip(request.headers['accept-encoding']) && asset.body.length > 1024) {
        return reply.header('content-encoding', 'gzip').send(await asset.gzipped());
      }
      return reply.send(asset.body);
    });
  }
}
