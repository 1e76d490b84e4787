// Boots GraphiQL for Signal's admin API. Served by core/admin/graphiql.ts as a file of its own: the
// page's Content-Security-Policy runs no inline script. Its settings come from the page's
// <script type="application/json" id="graphiql-config"> data block ({ endpoint, defaultQuery,
// defaultHeaders }); React, ReactDOM and GraphiQL are the UMD globals loaded before it.
'use strict';
(function () {
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var container = document.getElementById('graphiql');
  // GraphiQL.createFetcher is @graphiql/toolkit's createGraphiQLFetcher, which the UMD bundle
  // exposes. It sends the Headers pane's JSON (parsed) with every request.
  var http = GraphiQL.createFetcher({ url: config.endpoint });

  /** The Authorization header of a headers object, whatever its case ('' when absent). */
  function authorizationOf(headers) {
    if (!headers || typeof headers !== 'object') return '';
    for (var name in headers) {
      if (name.toLowerCase() === 'authorization') return String(headers[name]);
    }
    return '';
  }

  // The Authorization the schema was last fetched with. The schema is fetched once at load, most
  // often before the token is entered (a 401 then shows in the result pane): when the token
  // changes, GraphiQL is given a new fetcher, which makes it fetch the schema again.
  var schemaAuthorization = null;
  function makeFetcher() {
    return function (params, options) {
      if (params && params.operationName === 'IntrospectionQuery') {
        schemaAuthorization = authorizationOf(options && options.headers);
      }
      return http(params, options);
    };
  }

  var timer = null;
  function onEditHeaders(value) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var headers;
      try {
        headers = JSON.parse(value || '{}');
      } catch (_) {
        return; // still being typed
      }
      var authorization = authorizationOf(headers);
      if (authorization !== schemaAuthorization && /^Bearer\s+\S/i.test(authorization)) render();
    }, 500);
  }

  var root = ReactDOM.createRoot(container);
  function render() {
    root.render(
      React.createElement(GraphiQL, {
        fetcher: makeFetcher(),
        // Headers (the token with them) are kept in localStorage, as GraphiQL does: never in the
        // page's URL, where access logs and browser history would keep them.
        shouldPersistHeaders: true,
        // Used when nothing is stored yet, and for each new tab.
        defaultHeaders: config.defaultHeaders,
        defaultQuery: config.defaultQuery,
        defaultEditorToolsVisibility: 'headers',
        onEditHeaders: onEditHeaders,
      }),
    );
  }
  render();
})();
