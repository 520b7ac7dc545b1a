// Starts GraphiQL on the page /graphiql that tipx serves. The page carries its settings in a
// JSON block (not executed, so the page's Content-Security-Policy needs no inline script).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("tipx-graphiql-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.query,
      defaultEditorToolsVisibility: "variables",
      visiblePlugin: "Documentation Explorer",
      shouldPersistHeaders: false,
    })
  );
})();
