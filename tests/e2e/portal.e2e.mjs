// End-to-end test of the contributor and moderator pages (/contribute, /review) in headless
// Chromium: a Nigerian focal point shares a practice, a moderator sends it back with a reason,
// the focal point fixes and resubmits, the moderator publishes; then the focal point proposes
// a change to it and the moderator publishes after reading the diff; the record is found by a
// <tipx-search> widget on an NGO's page. The forms are checked with axe-core in English and
// Arabic. Everything goes through the pages, as a person would; the API is only asked to
// confirm what the pages did.
//
// Environment: as widgets.e2e.mjs (TIPX_BIN, TIPX_WIDGETS_DIR, CHROMIUM, E2E_ARTIFACTS).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { artifacts, launchChromium, startTipx, tipxBin } from "./support.mjs";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

let server;
let api;
let browser;
let contributorKey;
let moderatorKey;
let host;
let hostOrigin;

/** Creates a key with the command line, as an admin would, and returns its secret. */
function createKey(dataDir, args) {
  const out = execFileSync(tipxBin, ["keys", "create", "--data-dir", dataDir, ...args], {
    env: { ...process.env, TIPX__LOG__FILTER: "warn" },
    encoding: "utf8",
  });
  const m = out.match(/(tipx_[A-Za-z0-9_-]{20,})/);
  assert.ok(m, `a secret in:\n${out}`);
  return m[1];
}

async function gql(query, variables = {}, key = undefined) {
  const headers = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${api}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return res.json();
}

before(async () => {
  ({ child: server, url: api } = await startTipx());
  const dataDir = server.spawnargs[server.spawnargs.indexOf("--data-dir") + 1];
  contributorKey = createKey(dataDir, ["--role", "contributor", "--country", "NG", "--org", "NAPTIP focal point (test)"]);
  moderatorKey = createKey(dataDir, ["--role", "moderator", "--org", "TIP Exchange review desk (test)"]);
  browser = await launchChromium();
  // An NGO's page on another origin with a search widget.
  host = http.createServer((req, res) => {
    const q = new URL(req.url, "http://x").searchParams.get("q") || "";
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>NGO</title></head><body>
      <script type="module" src="${api}/widgets/tipx.js"></script>
      <tipx-search q="${q.replace(/"/g, "")}" page-size="5"></tipx-search></body></html>`);
  });
  await new Promise((r) => host.listen(0, "127.0.0.1", r));
  hostOrigin = `http://localhost:${host.address().port}`;
  fs.mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.kill();
  host?.close();
});

/** A new tab of its own (its own session storage), signed in with `key` on `path`. */
async function signedIn(path, key, lang = "en") {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(`${api}${path}?lang=${lang}`);
  await page.locator("#tipx-key").fill(key);
  await page.locator("form.tipx-sign-in button[type=submit]").click();
  await page.locator(".tipx-who").waitFor();
  return { page, context, errors };
}

/** axe-core's violations on the page as it is now (WCAG 2.1 A and AA rules). */
async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  });
}

const TITLE = "Community watch groups against labour trafficking in Edo State (end-to-end test)";

test("a practice goes from the contributor's form to a search widget, through a send-back and a change", async () => {
  // The page refuses a wrong key and says so, without leaving the sign-in form.
  const stranger = await browser.newContext();
  const s = await stranger.newPage();
  await s.goto(`${api}/contribute`);
  await s.locator("#tipx-key").fill("tipx_not-a-real-key-000000000000000000000");
  await s.locator("form.tipx-sign-in button[type=submit]").click();
  await s.locator("#tipx-key-error").waitFor();
  assert.equal(await s.locator("#tipx-key").getAttribute("aria-invalid"), "true");
  await stranger.close();

  const c = await signedIn("/contribute", contributorKey);
  assert.match(await c.page.locator(".tipx-who").innerText(), /NAPTIP focal point \(test\).*NG/s);
  // The key is kept in this tab's session storage, never in the address.
  assert.ok(!c.page.url().includes(contributorKey));
  assert.equal(await c.page.evaluate(() => sessionStorage.getItem("tipx.key")), contributorKey);

  // A new practice with one invalid field: a source that is not a web address.
  await c.page.getByRole("button", { name: "New practice" }).click();
  const form = c.page.locator("form.tipx-editor");
  await form.locator("#f-title").fill(TITLE);
  await form.locator("#f-leadOrganisation").fill("A community organisation (test)");
  await form.locator("#f-organisationType").selectOption("NGO");
  await form.locator("#f-startYear").fill("2021");
  await form.locator("#f-forms-FORCED_LABOUR").check();
  await form.locator("#f-summary").fill("Volunteers in villages meet monthly to spot deceptive job offers and refer people at risk to the state task force.");
  await form.locator("#f-sources-0-url").fill("not a web address");
  await form.getByRole("button", { name: "Submit for review" }).click();
  const sourceError = form.locator("#f-sources .tipx-field-error");
  await sourceError.waitFor();
  assert.match(await sourceError.innerText(), /url|address|http/i);
  assert.equal(await form.locator(".tipx-invalid").count(), 1, "only the source field is marked");
  assert.equal(await c.page.evaluate(() => document.activeElement?.id), "tipx-error-summary", "focus moves to the list of problems");
  const drafts = await gql("{ myDrafts { totalCount } }", {}, contributorKey);
  assert.equal(drafts.data.myDrafts.totalCount, 0, "nothing was stored");

  // Fixed, then submitted.
  await form.locator("#f-sources-0-url").fill("https://example.org/edo-community-watch");
  await form.getByRole("button", { name: "Submit for review" }).click();
  await c.page.locator(".tipx-notice").waitFor();
  const row = c.page.locator("li[data-status]").filter({ hasText: TITLE });
  await row.waitFor();
  assert.equal(await row.getAttribute("data-status"), "SUBMITTED");
  const id = await row.getAttribute("data-record");

  // The moderator sends it back with a reason.
  const m = await signedIn("/review", moderatorKey);
  await m.page.locator(`li[data-record="${id}"]`).getByRole("button").click();
  await m.page.getByText("A new record: nothing published yet.").waitFor();
  await m.page.getByRole("button", { name: "Send back" }).click();
  await m.page.getByText("Give a reason.").waitFor();
  const reason = "Please add the start date of the state task force's referral agreement.";
  await m.page.locator("textarea[id^=tipx-reason]").fill(reason);
  await m.page.getByRole("button", { name: "Send back" }).click();
  await m.page.getByText("Sent back to the contributor with your reason.").waitFor();

  // The focal point sees the reason, fixes, resubmits.
  await c.page.reload();
  const sentBack = c.page.locator(`li[data-record="${id}"]`);
  await sentBack.getByText(reason).waitFor();
  await sentBack.getByRole("button").click();
  await form.locator("#f-endYear").waitFor();
  await c.page.getByText(reason).first().waitFor();
  await form.locator("#f-summary").fill("Volunteers in villages meet monthly to spot deceptive job offers and refer people at risk to the state task force under its 2021 referral agreement.");
  await form.getByRole("button", { name: "Submit for review" }).click();
  await c.page.locator(".tipx-notice").waitFor();

  // The moderator publishes it.
  await m.page.getByRole("button", { name: "Show" }).click();
  await m.page.locator(`li[data-record="${id}"]`).getByRole("button").click();
  await m.page.getByRole("button", { name: "Publish" }).click();
  await m.page.getByText("Published. It now appears in search").waitFor();

  // A change to the published practice: the moderator reads the diff before publishing.
  await c.page.locator("#tipx-change-id").fill(id);
  await c.page.locator("#tipx-change-id").press("Enter");
  await form.locator("#f-summary").waitFor();
  const changed = "Volunteers in villages meet monthly to spot deceptive job offers; in its first year they referred people at risk to the state task force.";
  await form.locator("#f-summary").fill(changed);
  // Autosave: the draft is saved a moment after typing stops, with no button pressed.
  await c.page.getByText(/Saved \(version \d+\)/).waitFor({ timeout: 15_000 });
  const saved = await gql("query($id: ID!) { draft(id: $id) { ... on Practice { summary } } }", { id }, contributorKey);
  assert.equal(saved.data.draft.summary, changed);
  await form.getByRole("button", { name: "Submit for review" }).click();
  await c.page.locator(".tipx-notice").waitFor();

  await m.page.getByRole("button", { name: "Show" }).click();
  await m.page.locator(`li[data-record="${id}"]`).getByRole("button").click();
  const diffRow = m.page.locator('.tipx-diff tr[data-field="summary"]');
  await diffRow.waitFor();
  assert.match(await diffRow.locator(".tipx-before").innerText(), /2021 referral agreement/);
  assert.match(await diffRow.locator(".tipx-after").innerText(), /in its first year/);
  assert.equal(await m.page.locator(".tipx-diff tbody tr").count(), 1, "only the summary changed");
  await m.page.screenshot({ path: path.join(artifacts, "review-diff.png"), fullPage: true });
  await m.page.getByRole("button", { name: "Publish" }).click();
  await m.page.getByText("Published. It now appears in search").waitFor();

  // An NGO's page finds it with the search widget.
  const ngo = await browser.newPage();
  await ngo.goto(`${hostOrigin}/?q=${encodeURIComponent("Edo community watch groups")}`);
  const hit = ngo.locator("tipx-search").locator(".tipx-hit").filter({ hasText: "Community watch groups" });
  await hit.first().waitFor({ timeout: 20_000 });
  assert.match(await hit.first().innerText(), /in its first year/);
  await ngo.close();

  assert.deepEqual(c.errors, [], "no script errors on the contributor's page");
  assert.deepEqual(m.errors, [], "no script errors on the moderator's page");
  await c.context.close();
  await m.context.close();
});

test("a draft changed elsewhere is not overwritten: the page names what differs and keeps both choices", async () => {
  const created = await gql(`mutation($i: PracticeInput!) { createPractice(input: $i) { ... on Practice { recordId version } } }`, {
    i: {
      title: "Conflict check practice (end-to-end test)", countries: ["NG"], leadOrganisation: "A test organisation",
      organisationType: "NGO", summary: "The first wording of this test practice.", language: "en",
      sources: [{ url: "https://example.org/conflict-check" }],
    },
  }, contributorKey);
  const { recordId: id } = created.data.createPractice;
  const c = await signedIn("/contribute", contributorKey);
  await c.page.locator(`li[data-record="${id}"]`).getByRole("button").click();
  const form = c.page.locator("form.tipx-editor");
  await form.locator("#f-summary").waitFor();
  // Someone else (another tab, a script) saves a new wording meanwhile.
  const theirs = "A colleague's wording of this test practice, saved from elsewhere.";
  const other = await gql(`query($id: ID!) { draft(id: $id) { ... on Practice { version } } }`, { id }, contributorKey);
  const updated = await gql(`mutation($id: ID!, $v: Int!, $i: PracticeInput!) { updatePractice(id: $id, expectedVersion: $v, input: $i) { __typename } }`, {
    id, v: other.data.draft.version,
    i: {
      title: "Conflict check practice (end-to-end test)", countries: ["NG"], leadOrganisation: "A test organisation",
      organisationType: "NGO", summary: theirs, language: "en", sources: [{ url: "https://example.org/conflict-check" }],
    },
  }, contributorKey);
  assert.equal(updated.errors, undefined, JSON.stringify(updated.errors));
  const mine = "My own wording of this test practice, typed in the open page.";
  await form.locator("#f-summary").fill(mine);
  const warning = c.page.locator(".tipx-warning").filter({ hasText: "Someone changed this draft" });
  await warning.waitFor({ timeout: 15_000 });
  assert.match(await warning.innerText(), /Summary/);
  assert.equal(await form.locator("#f-summary").inputValue(), mine, "my text is still in the form");
  const stored = await gql(`query($id: ID!) { draft(id: $id) { ... on Practice { summary } } }`, { id }, contributorKey);
  assert.equal(stored.data.draft.summary, theirs, "nothing was overwritten");
  await warning.getByRole("button", { name: "Load the saved version instead" }).click();
  assert.equal(await form.locator("#f-summary").inputValue(), theirs);
  assert.deepEqual(c.errors, []);
  await c.context.close();
});

test("the pages are axe-clean in English and Arabic, and Arabic is right to left", async () => {
  for (const lang of ["en", "ar"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${api}/contribute?lang=${lang}`);
    await page.locator("#tipx-key").waitFor();
    assert.deepEqual(await axe(page), [], `sign-in form (${lang})`);
    await context.close();

    const c = await signedIn("/contribute", contributorKey, lang);
    assert.equal(await c.page.evaluate(() => document.documentElement.dir), lang === "ar" ? "rtl" : "ltr");
    assert.equal(await c.page.evaluate(() => document.documentElement.lang), lang);
    await c.page.locator(".tipx-actions button").nth(1).click(); // a new practice
    await c.page.locator("#f-title").waitFor();
    // With an error shown at a field, as a contributor would meet it.
    await c.page.locator("#f-organisationType").selectOption("NGO");
    await c.page.locator("#f-sources-0-url").fill("not a web address");
    await c.page.locator("form.tipx-editor button[type=submit]").click();
    await c.page.locator("#f-sources .tipx-field-error").waitFor();
    assert.deepEqual(await axe(c.page), [], `practice form with errors (${lang})`);
    await c.page.screenshot({ path: path.join(artifacts, `contribute-${lang}.png`), fullPage: true });
    await c.context.close();

    const m = await signedIn("/review", moderatorKey, lang);
    await m.page.locator(".tipx-toolbar").first().waitFor();
    assert.deepEqual(await axe(m.page), [], `review queue (${lang})`);
    await m.context.close();
  }
});

test("the pages send a strict Content-Security-Policy and refuse to be framed", async () => {
  for (const p of ["/contribute", "/review"]) {
    const res = await fetch(`${api}${p}`);
    assert.equal(res.status, 200);
    const csp = res.headers.get("content-security-policy");
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    const html = await res.text();
    assert.match(html, /integrity="sha384-/);
  }
  // The home page links to both, and is under a strict policy of its own (its one inline
  // script and style allowed by hash) that its live widgets run under without a violation.
  const res = await fetch(`${api}/`);
  const home = await res.text();
  assert.match(home, /href="\/contribute"/);
  assert.match(home, /href="\/review"/);
  const csp = res.headers.get("content-security-policy");
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${api}/`);
  await page.locator("tipx-search").first().locator(".tipx-hit").first().waitFor();
  await page.locator("#lang").selectOption("fr"); // the inline script runs
  await page.waitForFunction(() => document.querySelector(".live > *").getAttribute("lang") === "fr");
  assert.deepEqual(errors, [], "no Content-Security-Policy violation on the home page");
  await page.close();
});
