// End-to-end test of the embed snippet in a real browser (Debian's headless Chromium, driven by
// playwright-core; no browser download). The tipx server runs with the seed data; host pages
// are served by a second server on another origin, as an NGO's site would be.
//
// Environment: TIPX_BIN (the tipx binary), TIPX_WIDGETS_DIR (built widgets), CHROMIUM (default
// /usr/bin/chromium), E2E_ARTIFACTS (where screenshots go; default target/e2e).
//
// Every expected number and title is asked of the API over HTTP, never written down here.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { artifacts, launchChromium, startTipx } from "./support.mjs";

let server; // the tipx process
let api; // e.g. http://127.0.0.1:PORT
let host; // the host pages' server
let hostOrigin; // e.g. http://localhost:PORT
let browser;

/** Host pages: an NGO's site on another origin, each with its own Content-Security-Policy. */
function hostPages() {
  const loader = `<script type="module" src="${api}/widgets/tipx.js"></script>`;
  // Hostile CSS: if it reached into the widget, the widget would be red, monospace and broken.
  const hostile = `<style nonce="n0nce">* { color: rgb(255, 0, 0) !important; font-family: monospace !important; }
    h3, li, button, input { display: none !important; } .tipx-hit { display: none !important; }</style>`;
  const page = (csp, body) => ({
    csp,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>NGO page</title>${hostile}</head>
      <body><h1>Our partner's page</h1>${loader}${body}</body></html>`,
  });
  // Strict policies, as a careful NGO would set: no inline styles or scripts (the page's own
  // style element has a nonce), so a widget that needed them would break here.
  const allowWasm = `default-src 'self'; script-src ${api} 'wasm-unsafe-eval'; connect-src ${api}; style-src 'nonce-n0nce'; frame-src ${api}`;
  const noWasm = `default-src 'self'; script-src ${api}; connect-src ${api}; style-src 'nonce-n0nce'; frame-src ${api}`;
  return {
    "/search.html": page(allowWasm, `<tipx-search page-size="5" lang="en"></tipx-search>`),
    "/strict.html": page(noWasm, `<tipx-search country="NG" lock page-size="5" lang="en"></tipx-search>`),
    "/cards.html": page(allowWasm, `<tipx-country code="NG" lang="en"></tipx-country><tipx-record record="PR01" lang="es"></tipx-record>
      <tipx-country id="profile-ar" code="NG" lang="ar"></tipx-country>
      <div lang="ru"><tipx-record id="inherits" record="CA01"></tipx-record></div>`),
    // A search box at the top and a record card far below the fold (the page's policy
    // allows only its nonce'd style elements, not style attributes).
    "/lazy.html": page(allowWasm, `<tipx-search page-size="5" lang="en"></tipx-search>
      <style nonce="n0nce">.fold { height: 6000px; }</style><div class="fold" aria-hidden="true"></div><tipx-record record="PR01" lang="en"></tipx-record>`),
  };
}

function startHost() {
  const pages = hostPages();
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const pathname = url.pathname;
    if (pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (pathname === "/pinned.html") {
      // A page that pins one version of the script by its integrity hash (given by the test).
      const esc = (v) => String(v).replace(/[^\w.+/=-]/g, "");
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html><body>
        <script type="module" src="${api}/widgets/${esc(url.searchParams.get("file"))}"
          integrity="${esc(url.searchParams.get("integrity"))}" crossorigin="anonymous"></script>
        <tipx-record record="CA01"></tipx-record></body></html>`);
      return;
    }
    const p = pages[pathname];
    if (!p) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": p.csp });
    res.end(p.html);
  });
  return new Promise((resolve) => srv.listen(0, "127.0.0.1", () => resolve(srv)));
}

async function gql(query, variables = {}) {
  const res = await fetch(`${api}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

const SEARCH = `query($q: String, $f: SearchFilterInput, $page: Int, $lang: String!) {
  search(query: $q, filter: $f, first: 5, page: $page) {
    totalHits
    hits { highlight { title } }
    facets(lang: $lang) { field values { value label count } }
  }
}`;

/** What the API answers for a search, with titles as the browser shows them. */
async function apiSearch(q, f = {}, page = 1, lang = "en") {
  const { search } = await gql(SEARCH, { q, f, page, lang });
  const unescape = (s) => s.replace(/<\/?em>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
  return { ...search, titles: search.hits.map((h) => unescape(h.highlight.title)) };
}

const countOf = (text) => Number(text.replace(/[^\d]/g, ""));

before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  const started = await startTipx();
  server = started.child;
  api = started.url;
  host = await startHost();
  // localhost and 127.0.0.1 on different ports: a different origin from the API.
  hostOrigin = `http://localhost:${host.address().port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  host?.close();
  server?.kill();
});

async function openPage(pathname) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  const problems = [];
  // The widgets name their documents by persisted-query id: a GraphQL GET that carries the
  // whole document means the id was missing or unknown to the server.
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/graphql" && url.searchParams.has("query")) {
      problems.push(`a GraphQL request sent its whole document: ${url.searchParams.get("operationName")}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${hostOrigin}${pathname}`);
  return { page, problems };
}

test("the search snippet on a foreign page: type, filter, page, switch language", async () => {
  const { page, problems } = await openPage("/search.html");
  const widget = page.locator("tipx-search");
  const count = widget.locator(".tipx-count");

  // First view: everything, with the API's total.
  const all = await apiSearch(null);
  await assert.doesNotReject(count.filter({ hasText: `Records found: ${all.totalHits}` }).waitFor());
  assert.equal(await widget.getAttribute("data-tipx-mode"), "wasm");

  // The host page's CSS does not reach into the widget.
  const firstTitle = widget.locator(".tipx-hit-title").first();
  assert.equal(await firstTitle.isVisible(), true);
  const colour = await firstTitle.evaluate((e) => getComputedStyle(e).color);
  assert.notEqual(colour, "rgb(255, 0, 0)");

  // Type a query: after the pause, the API's total for it.
  await widget.locator("input[type=search]").fill("forced labour");
  const typed = await apiSearch("forced labour");
  assert.ok(typed.totalHits > 5 && typed.totalHits < all.totalHits);
  await count.filter({ hasText: `Records found: ${typed.totalHits}` }).waitFor();
  assert.deepEqual(await widget.locator(".tipx-hit-title").allTextContents(), typed.titles);

  // Select a facet value: the first record kind the API offers for this query.
  const kind = typed.facets.find((f) => f.field === "KIND").values[0];
  const box = widget.locator(`details[data-facet=kind] li`, { hasText: kind.label }).locator("input[type=checkbox]");
  assert.equal(
    await widget.locator(`details[data-facet=kind] li`, { hasText: kind.label }).textContent(),
    `${kind.label} ${kind.count}`,
  );
  await box.check();
  const filtered = await apiSearch("forced labour", { kinds: [kind.value] });
  assert.equal(filtered.totalHits, kind.count, "the facet count foretold the total");
  await count.filter({ hasText: `Records found: ${filtered.totalHits}` }).waitFor();
  await widget.locator(".tipx-chip", { hasText: kind.label }).waitFor();

  // Page 2: the API's second page, in order.
  await widget.getByRole("button", { name: "Page 2", exact: true }).click();
  const second = await apiSearch("forced labour", { kinds: [kind.value] }, 2);
  await widget.locator("[aria-current=page]", { hasText: "2" }).waitFor();
  await widget.locator("ol.tipx-hits[start='6']").waitFor();
  assert.deepEqual(await widget.locator(".tipx-hit-title").allTextContents(), second.titles);

  // Switch language: same query, filter and page; French words and labels.
  await widget.evaluate((e) => e.setAttribute("lang", "fr"));
  const french = await apiSearch("forced labour", { kinds: [kind.value] }, 2, "fr");
  const frKind = french.facets.find((f) => f.field === "KIND").values.find((v) => v.value === kind.value);
  await count.filter({ hasText: `Fiches trouvées : ${french.totalHits}` }).waitFor();
  await widget.locator(".tipx-chip", { hasText: frKind.label }).waitFor();
  assert.equal(await widget.locator("input[type=search]").inputValue(), "forced labour");
  assert.equal(await widget.locator(".tipx-root").getAttribute("lang"), "fr");
  assert.deepEqual(await widget.locator(".tipx-hit-title").allTextContents(), french.titles);

  // Arabic reads right to left.
  await widget.evaluate((e) => e.setAttribute("lang", "ar"));
  await widget.locator(".tipx-root[dir=rtl]").waitFor();

  await widget.evaluate((e) => e.setAttribute("lang", "en"));
  await count.filter({ hasText: "Records found" }).waitFor();
  await page.screenshot({ path: path.join(artifacts, "search-widget.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

/** Text in the widget whose contrast with its background is below 4.5:1 (WCAG 2.1 AA). */
function contrastProblems(widget) {
  return widget.evaluate((el) => {
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (e) => {
      for (let n = e; n; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
        const c = rgb(getComputedStyle(n).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad = [];
    let checked = 0;
    for (const e of el.shadowRoot.querySelectorAll("*")) {
      const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || e.closest(".tipx-visually-hidden")) continue;
      const fg = lum(rgb(getComputedStyle(e).color));
      const bg = lum(background(e));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      checked += 1;
      if (ratio < 4.5) bad.push(`${e.className || e.localName}: ${ratio.toFixed(2)}`);
    }
    return { bad, checked };
  });
}

test("every control is labelled and the keyboard reaches the search box with a visible focus", async () => {
  const { page } = await openPage("/search.html");
  const widget = page.locator("tipx-search");
  await widget.locator(".tipx-hit").first().waitFor();
  const unlabelled = await widget.evaluate((el) => {
    const bad = [];
    for (const c of el.shadowRoot.querySelectorAll("input, button, select")) {
      const named = (c.labels && c.labels.length > 0) || c.getAttribute("aria-label") || c.textContent.trim();
      if (!named) bad.push(c.outerHTML);
    }
    return bad;
  });
  assert.deepEqual(unlabelled, []);
  // Text contrast is at least 4.5:1 (WCAG 2.1 AA) for every piece of text in the widget.
  const low = await contrastProblems(widget);
  assert.deepEqual(low.bad, []);
  assert.ok(low.checked > 30, `only ${low.checked} text elements checked`);
  // Theming reaches into the shadow root through the custom properties, and the check above
  // does catch a colour too pale for its background.
  await widget.evaluate((el) => el.style.setProperty("--tipx-muted", "#bbbbbb"));
  const pale = await contrastProblems(widget);
  assert.ok(pale.bad.some((b) => b.startsWith("tipx-meta")), JSON.stringify(pale.bad));
  await page.keyboard.press("Tab");
  const focused = await widget.evaluate((el) => {
    const f = el.shadowRoot.activeElement;
    return f ? { id: f.id, outline: getComputedStyle(f).outlineStyle } : null;
  });
  assert.deepEqual(focused, { id: "tipx-q", outline: "solid" });
  await page.close();
});

test("a page whose CSP forbids WebAssembly gets the same widget in an iframe", async () => {
  const { page } = await openPage("/strict.html");
  const widget = page.locator("tipx-search");
  await page.waitForFunction(() => document.querySelector("tipx-search")?.dataset.tipxMode === "iframe");
  const { search } = await gql(`{ search(filter: { countries: ["NG"] }) { totalHits } }`);
  const frame = page.frameLocator("tipx-search >> iframe");
  await frame.locator(".tipx-count", { hasText: `Records found: ${search.totalHits}` }).waitFor();
  // The country filter is fixed: shown, with no button to remove it.
  await frame.locator(".tipx-chip-fixed", { hasText: "Nigeria" }).waitFor();
  assert.equal(await frame.locator(".tipx-chip button").count(), 0);
  // The frame reported its height and the loader sized the iframe to it.
  await page.waitForFunction(() => {
    const f = document.querySelector("tipx-search").shadowRoot.querySelector("iframe");
    return f && f.style.height !== "900px";
  });
  await page.screenshot({ path: path.join(artifacts, "search-widget-iframe.png"), fullPage: true });
  await page.close();
  assert.ok(widget);
});

test("the country profile and the record card show what the API holds", async () => {
  const { page, problems } = await openPage("/cards.html");
  const { country } = await gql(`{ country(code: "NG") { name ar: name(lang: "ar") recordCounts { laws practices cases }
    treatyStatus { instrumentId ratification { asOf } } } }`);
  const profile = page.locator("tipx-country[lang=en]");
  await profile.locator(".tipx-title", { hasText: country.name }).waitFor();
  for (const kind of ["laws", "practices", "cases"]) {
    assert.equal(await profile.locator(`dd[data-count=${kind}]`).textContent(), String(country.recordCounts[kind]));
  }
  // Each treaty row says what date its status describes, in the widget's language.
  const c029 = country.treatyStatus.find((t) => t.instrumentId === "ILO_C029").ratification.asOf;
  const [year, month] = c029.split("-").map(Number);
  const english = new Date(Date.UTC(year, month - 1, 1)).toLocaleString("en", { month: "long", timeZone: "UTC" });
  assert.equal(
    (await profile.locator("tr[data-instrument=ILO_C029] .tipx-as-of").textContent()).trim(),
    `· as of ${english} ${year}`,
  );
  // The Arabic profile names the country in Arabic (CLDR), not in English.
  const arabic = page.locator("#profile-ar");
  await arabic.locator(".tipx-title", { hasText: country.ar }).waitFor();
  assert.notEqual(country.ar, country.name);
  assert.match(await arabic.locator("tr[data-instrument=ILO_C029] .tipx-as-of").textContent(), new RegExp(`حتى .+ ${year}`));
  const { practice } = await gql(`{ practice(id: "PR01") { title sources { url } } }`);
  const card = page.locator("tipx-record[record=PR01]");
  await card.locator(".tipx-title", { hasText: practice.title }).waitFor();
  const hrefs = await card.locator(".tipx-list a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  assert.deepEqual(hrefs, practice.sources.map((s) => s.url));
  // Spanish UI words on the card.
  assert.match(await card.locator("h3").first().textContent(), /^Fuentes?$/);
  // A widget without `lang` takes its ancestor's: Russian here.
  const inherits = page.locator("#inherits");
  await inherits.locator(".tipx-title").waitFor();
  assert.equal(await inherits.locator(".tipx-root").getAttribute("lang"), "ru");
  assert.match(await inherits.locator("h3").first().textContent(), /^Источник(и)?$/);
  await page.screenshot({ path: path.join(artifacts, "country-and-record.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("a page loads only the widgets it shows, and a widget below the fold only when scrolled near", async () => {
  const { page, problems } = await openPage("/lazy.html");
  const fetched = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/widgets/")) fetched.push(url.pathname.split("/").pop());
  });
  // Requests made before the listener was attached are in the resource timing list.
  const widgetFiles = async () => [...new Set([...fetched, ...(await page.evaluate(() =>
    performance.getEntriesByType("resource").map((e) => new URL(e.name)).filter((u) => u.pathname.startsWith("/widgets/"))
      .map((u) => u.pathname.split("/").pop())))])].sort();
  await page.locator("tipx-search .tipx-count", { hasText: "Records found" }).waitFor();
  await page.waitForTimeout(500);
  assert.deepEqual(await widgetFiles(), ["search.js", "search.wasm", "tipx.js"]);
  assert.equal(await page.locator("tipx-record").getAttribute("data-tipx-mode"), null, "not started yet");

  const { practice } = await gql(`{ practice(id: "PR01") { title } }`);
  await page.locator("tipx-record").scrollIntoViewIfNeeded();
  await page.locator("tipx-record .tipx-title").waitFor();
  assert.equal((await page.locator("tipx-record .tipx-title").textContent()).trim(), practice.title);
  assert.deepEqual(await widgetFiles(), ["record.js", "record.wasm", "search.js", "search.wasm", "tipx.js"]);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a pinned version loads with its integrity hash, and a wrong hash is refused", async () => {
  const manifest = await (await fetch(`${api}/widgets/manifest.json`)).json();
  const file = `${manifest.version}/tipx.js`;
  const sri = manifest.files[file].integrity;
  const page = await browser.newPage();
  const open = (integrity) =>
    page.goto(`${hostOrigin}/pinned.html?file=${encodeURIComponent(file)}&integrity=${encodeURIComponent(integrity)}`);
  await open(sri);
  await page.locator("tipx-record .tipx-title").waitFor();
  await open("sha384-" + "A".repeat(64));
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => customElements.get("tipx-record") === undefined), true);
  await page.close();
});

test("the iframe snippet works on its own, for pages that allow no script from the server", async () => {
  const { practice } = await gql(`{ practice(id: "PR01") { title } }`);
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  await page.goto(`${api}/widgets/frame.html?widget=record&record=PR01&lang=fr`);
  await page.locator("tipx-record .tipx-title", { hasText: practice.title }).waitFor();
  assert.equal(await page.locator("tipx-record .tipx-root").getAttribute("lang"), "fr");
  await page.goto(`${api}/widgets/frame.html?widget=nonsense`);
  await page.locator("body", { hasText: "no widget called 'nonsense'" }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});
