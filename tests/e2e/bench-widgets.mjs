// Measures how long the search widget takes to show its first results in headless Chromium:
// from navigation start to "Records found: N" on a host page of another origin. Cold loads use
// a fresh browser context each (nothing cached); warm loads reuse one (script and WebAssembly
// from the HTTP cache). Prints median and 90th percentile; asserts nothing.
//
//   node tests/e2e/bench-widgets.mjs http://127.0.0.1:8080   (a running tipx with built widgets)
import http from "node:http";
import { chromium } from "playwright-core";

const api = process.argv[2] || "http://127.0.0.1:8080";
const runs = Number(process.env.RUNS || 15);
const page = `<!doctype html><html lang="en"><body>
  <script type="module" src="${api}/widgets/tipx.js"></script>
  <tipx-search page-size="10"></tipx-search></body></html>`;
const host = http.createServer((req, res) => {
  if (req.url !== "/") return res.writeHead(204).end();
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
});
await new Promise((r) => host.listen(0, "127.0.0.1", r));
const url = `http://localhost:${host.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

async function once(context) {
  const tab = await context.newPage();
  await tab.goto(url);
  await tab.locator("tipx-search .tipx-count", { hasText: "Records found" }).waitFor();
  const ms = await tab.evaluate(() => performance.now());
  await tab.close();
  return ms;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms (${s.length} loads)`;
};

const cold = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  cold.push(await once(context));
  await context.close();
}
const warmContext = await browser.newContext();
await once(warmContext);
const warm = [];
for (let i = 0; i < runs; i++) warm.push(await once(warmContext));
console.log(`first results, cold cache: ${stats(cold)}`);
console.log(`first results, warm cache: ${stats(warm)}`);
await browser.close();
host.close();
