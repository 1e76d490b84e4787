import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

/** A file inside a package, found from its package.json (the UMD builds are not in `exports`). */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

interface Asset {
  file: string;
  type: string;
}

/** Everything the IDE loads, served from node_modules: no CDN, so it works behind a firewall. */
const ASSETS: Record<string, Asset> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: 'application/javascript; charset=utf-8' },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'application/javascript; charset=utf-8' },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'application/javascript; charset=utf-8' },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
};

/**
 * The page script: a fetcher for the admin endpoint, headers persisted in localStorage (the
 * token is typed once in the Headers pane, never put in a URL where logs would keep it).
 */
function bootScript(endpoint: string): string {
  return `'use strict';
(function () {
  var fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
  var headers = localStorage.getItem('graphiql:headers') ? undefined : JSON.stringify({ Authorization: 'Bearer ' }, null, 2);
  var root = document.getElementById('graphiql');
  var element = React.createElement(GraphiQL, {
    fetcher: fetcher,
    shouldPersistHeaders: true,
    defaultHeaders: headers,
    defaultEditorToolsVisibility: 'headers',
    defaultQuery: '# Signal admin API. Put your token in the Headers pane below:\\n#   { "Authorization": "Bearer <SIGNAL_ADMIN_TOKEN>" }\\n\\n{\\n  pipelines { id name keys { prefix } }\\n  catalog { id name category }\\n}\\n'
  });
  if (ReactDOM.createRoot) ReactDOM.createRoot(root).render(element); else ReactDOM.render(element, root);
})();
`;
}

function page(base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Signal admin · GraphiQL</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="${base}/assets/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="${base}/assets/react.js"></script>
  <script src="${base}/assets/react-dom.js"></script>
  <script src="${base}/assets/graphiql.js"></script>
  <script src="${base}/assets/boot.js"></script>
</body>
</html>
`;
}

/**
 * Serves GraphiQL for the admin GraphQL endpoint with every script and style from this server.
 * The page holds no data and needs no token; the token goes in the IDE's Headers pane.
 *
 * @example
 * await app.register(graphiqlPlugin, { path: '/graphiql', endpoint: '/graphql' });
 */
export async function graphiqlPlugin(app: FastifyInstance, options: { path?: string; endpoint?: string }): Promise<void> {
  const base = options.path ?? '/graphiql';
  const files = new Map<string, { body: Buffer | string; type: string }>();
  for (const [name, asset] of Object.entries(ASSETS)) files.set(name, { body: readFileSync(asset.file), type: asset.type });
  files.set('boot.js', { body: bootScript(options.endpoint ?? '/graphql'), type: 'application/javascript; charset=utf-8' });
  const html = page(base);
  // Everything is same-origin; GraphiQL's editor needs inline styles, nothing else is inline.
  const csp = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; script-src 'self'";
  app.get(base, async (_request, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', csp).send(html));
  app.get<{ Params: { name: string } }>(`${base}/assets/:name`, async (request, reply) => {
    const file = files.get(request.params.name);
    if (!file) return reply.code(404).send({ error: { code: 'SIGNAL_NOT_FOUND', message: `No asset ${request.params.name}` } });
    return reply.type(file.type).header('cache-control', 'public, max-age=86400').send(file.body);
  });
}
