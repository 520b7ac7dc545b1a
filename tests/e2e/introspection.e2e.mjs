// Partner tools load the schema with graphql-js's standard introspection query: GraphiQL,
// Apollo, graphql-codegen, Postman and Insomnia all send `getIntrospectionQuery()`. This test
// sends every shape they send, from graphql-js 16 (what most tools bundle) and from the latest
// release (17), to the real server, rebuilds the schema from each answer with
// `buildClientSchema`, and checks it prints the same SDL as schema/schema.graphql.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as graphql16 from "graphql";
import * as graphql17 from "graphql17";
import { root, startTipx } from "./support.mjs";

let server;
let api;

before(async () => {
  const started = await startTipx();
  server = started.child;
  api = started.url;
});

after(() => server?.kill());

const sdl = fs.readFileSync(path.join(root, "schema/schema.graphql"), "utf8");

/** The option sets partner tools use; each is also tried alone. */
const OPTIONS_16 = ["specifiedByUrl", "directiveIsRepeatable", "schemaDescription", "inputValueDeprecation"];
const OPTIONS_17 = [...OPTIONS_16, "oneOf"];

function shapes(lib, options) {
  const all = Object.fromEntries(options.map((o) => [o, true]));
  return [
    ["defaults", {}],
    ["descriptions: false", { descriptions: false }],
    ...options.map((o) => [`${o}: true`, { [o]: true }]),
    ["every option", all],
    ["every option, descriptions: false", { ...all, descriptions: false }],
  ].map(([name, opts]) => ({ name: `graphql-js ${lib.version} ${name}`, lib, opts }));
}

async function post(query, accept = "application/graphql-response+json") {
  const res = await fetch(`${api}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
}

/** The SDL a schema prints, with types and fields in one order so the two sides compare. */
function printed(lib, schema) {
  return lib.printSchema(lib.lexicographicSortSchema(schema));
}

for (const { name, lib, opts } of [...shapes(graphql16, OPTIONS_16), ...shapes(graphql17, OPTIONS_17)]) {
  test(`introspection passes and rebuilds the schema: ${name}`, async () => {
    const { status, body } = await post(lib.getIntrospectionQuery(opts));
    assert.equal(status, 200, JSON.stringify(body.errors));
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const fromServer = lib.buildClientSchema(body.data);

    // The same introspection query, asked of the SDL file itself by graphql-js.
    const local = lib.graphqlSync({ schema: lib.buildSchema(sdl), source: lib.getIntrospectionQuery(opts) });
    assert.equal(local.errors, undefined);
    const fromFile = lib.buildClientSchema(local.data);
    assert.equal(printed(lib, fromServer), printed(lib, fromFile));
    assert.ok(fromServer.getQueryType().getFields().search, "Query.search is in the schema");
    if (opts.descriptions !== false && opts.specifiedByUrl && opts.schemaDescription) {
      // A shape that asks for everything the SDL file says gives back the SDL file itself.
      assert.equal(printed(lib, fromServer), printed(lib, lib.buildSchema(sdl)));
    }
  });
}

test("a data query deeper than the limit is still refused with a code", async () => {
  const deep = `{ country(code: "BR") { practices { nodes { countries { practices { nodes { countries {
    practices { nodes { countries { practices { nodes { title } } } } } } } } } } } } }`;
  const { status, body } = await post(deep);
  assert.equal(status, 400);
  assert.deepEqual(body.errors.map((e) => e.extensions.code), ["QUERY_TOO_COMPLEX"]);
  assert.equal("data" in body, false, "a request refused before execution has no data entry");
});

test("an introspection query that nests fields three times is refused", async () => {
  const bomb = `{ __type(name: "Query") { fields { type { fields { type { fields { name } } } } } } }`;
  const { status, body } = await post(bomb);
  assert.equal(status, 400);
  assert.deepEqual(body.errors.map((e) => e.extensions.code), ["QUERY_TOO_COMPLEX"]);
  // graphql-js's own rule refuses the same document.
  const errors = graphql17.validate(graphql17.buildSchema(sdl), graphql17.parse(bomb), [graphql17.MaxIntrospectionDepthRule]);
  assert.equal(errors.length, 1);
});
