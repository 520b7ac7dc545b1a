// What the end-to-end tests share: where things are, starting tipx, launching Chromium.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, "target");
export const tipxBin = process.env.TIPX_BIN || path.join(targetDir, "debug/tipx");
export const widgetsDir = process.env.TIPX_WIDGETS_DIR || path.join(root, "widgets/dist");
export const graphiqlDir = process.env.TIPX_GRAPHIQL_DIR || path.join(root, "api/graphiql/dist");
export const artifacts = process.env.E2E_ARTIFACTS || path.join(targetDir, "e2e");
export const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

/**
 * Starts tipx with the seed on a free port and a fresh data folder; resolves with
 * `{ child, url, dataDir }`, the URL read from its start banner.
 */
export function startTipx() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tipx-e2e-"));
  const args = ["serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir,
    "--widgets-dir", widgetsDir, "--graphiql-dir", graphiqlDir];
  const child = spawn(tipxBin, args, {
    env: { ...process.env, TIPX__LOG__FILTER: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  let waiting = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tipx did not start in 60 s:\n${log}`)), 60_000);
    const read = (chunk) => {
      log += chunk;
      const m = log.match(/GraphQL\s+(http:\/\/[\d.]+:\d+)\/graphql/);
      if (m && !waiting) {
        waiting = true;
        // The server answers at once and fills its index in the background: wait for it.
        untilIndexed(m[1]).then(() => {
          clearTimeout(timer);
          resolve({ child, url: m[1], dataDir });
        }, reject);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => reject(new Error(`tipx exited (${code}):\n${log}`)));
  });
}

/** Resolves when `/health` says search has caught up with the store. */
async function untilIndexed(url) {
  for (;;) {
    const health = await (await fetch(`${url}/health`)).json();
    if (health.search.caught_up || health.search.status === "unavailable") return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}
