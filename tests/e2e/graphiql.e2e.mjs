// GraphiQL at /graphiql, in headless Chromium with every request to anything but the tipx
// server blocked: it must load all it needs from tipx (no CDN), under the page's strict
// Content-Security-Policy, run the example query it opens with, and show the schema's docs.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { artifacts, launchChromium, startTipx } from "./support.mjs";

let server;
let api;
let browser;

before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  const started = await startTipx();
  server = started.child;
  api = started.url;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** Opens /graphiql with the network cut off from everything but tipx. */
async function openGraphiql() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const blocked = [];
  const problems = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${api}/`)) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(msg.text());
  });
  page.on("pageerror", (err) => problems.push(String(err)));
  const response = await page.goto(`${api}/graphiql`);
  assert.equal(response.status(), 200);
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self';/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  return { context, page, blocked, problems };
}

test("GraphiQL loads from tipx alone, runs the example query and shows the docs", async () => {
  const { context, page, blocked, problems } = await openGraphiql();
  try {
    // The example query is a search by country; its answer is asked of the API directly too.
    const editor = page.locator(".graphiql-query-editor");
    await editor.waitFor({ timeout: 30_000 });
    const queryText = await editor.innerText();
    assert.match(queryText, /countries: \["NG"\]/);

    const expected = await (await fetch(`${api}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ search(filter: { countries: ["NG"], kinds: [PRACTICE] }) { totalHits } }` }),
    })).json();
    const totalHits = expected.data.search.totalHits;
    assert.ok(totalHits > 0, "the seed has practices for Nigeria");

    await page.locator(".graphiql-execute-button").click();
    const result = page.locator(".graphiql-response");
    await result.getByText(`"totalHits": ${totalHits}`).waitFor({ timeout: 15_000 });
    assert.match(await result.innerText(), /"recordId": "PR/);

    // The documentation explorer is open; Query lists search.
    const docs = page.locator(".graphiql-doc-explorer");
    await docs.waitFor();
    await docs.getByText("Query", { exact: true }).first().click();
    await docs.locator(".graphiql-doc-explorer-field-name", { hasText: /^search$/ }).first().waitFor();

    await page.screenshot({ path: path.join(artifacts, "graphiql.png") });
    assert.deepEqual(blocked, [], "GraphiQL asked for nothing outside tipx");
    assert.deepEqual(problems, [], "no console errors, no CSP violations");
  } finally {
    await context.close();
  }
});
