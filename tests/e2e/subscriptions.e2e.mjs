// The change feed as a partner system uses it: the `graphql-ws` client (the npm package most
// GraphQL clients use for subscriptions, over the `graphql-transport-ws` protocol) subscribes
// to `recordChanged` with a filter on the real server, while contributors and a moderator
// publish and retract records through the GraphQL API with keys made by `tipx keys create`.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { startTipx, tipxBin } from "./support.mjs";

let server;
let api;
let dataDir;

before(async () => {
  const started = await startTipx();
  server = started.child;
  api = started.url;
  dataDir = started.dataDir;
});

after(() => server?.kill());

/** A key made with the command line; returns its secret. */
function key(role, countries, org) {
  const args = ["keys", "create", "--role", role, "--org", org, "--data-dir", dataDir];
  for (const c of countries) args.push("--country", c);
  const out = execFileSync(tipxBin, args, { env: { ...process.env, TIPX__LOG__FILTER: "warn" } }).toString();
  const secret = out.split(/\s+/).find((w) => w.startsWith("tipx_") && w.length > 40);
  assert.ok(secret, `no secret in: ${out}`);
  return secret;
}

async function gql(secret, query, variables = {}) {
  const res = await fetch(`${api}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

function practice(country) {
  return {
    title: `Community watch groups against child trafficking in ${country}`,
    countries: [country],
    leadOrganisation: "National Agency for the Prohibition of Trafficking in Persons",
    organisationType: "GOVERNMENT",
    startYear: 2021,
    pillars: ["PREVENTION"],
    targetGroups: ["CHILDREN"],
    forms: ["FORCED_BEGGING"],
    summary: "Volunteers in markets and motor parks learn the signs of child trafficking and refer children to the agency's shelters.",
    language: "en",
    sources: [{ url: "https://www.naptip.gov.ng/", title: "NAPTIP" }],
  };
}

/** Creates, submits and publishes a practice; returns its id. */
async function publishPractice(contributor, moderator, country) {
  const created = await gql(contributor,
    "mutation($i: PracticeInput!) { createPractice(input: $i) { ... on Practice { recordId } } }",
    { i: practice(country) });
  const id = created.createPractice.recordId;
  await gql(contributor, "mutation($id: ID!) { submit(id: $id) { __typename } }", { id });
  await gql(moderator, "mutation($id: ID!) { publish(id: $id) { __typename } }", { id });
  return id;
}

const SUBSCRIPTION = `subscription($filter: RecordFilterInput, $after: String) {
  recordChanged(kinds: [PRACTICE], filter: $filter, after: $after) {
    cursor change recordId kind version
    record { ... on Practice { recordId title status countries { code } } }
  }
}`;

/** Subscribes; returns { events, next(n), close }: `next(n)` waits until n events arrived. */
function subscribe(variables) {
  const client = createClient({ url: `${api.replace(/^http/, "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const events = [];
  const errors = [];
  let wake = () => {};
  const ready = new Promise((resolve) => {
    client.on("connected", resolve);
  });
  const dispose = client.subscribe({ query: SUBSCRIPTION, variables }, {
    next: (value) => {
      if (value.errors) errors.push(value.errors);
      else events.push(value.data.recordChanged);
      wake();
    },
    error: (err) => { errors.push(err); wake(); },
    complete: () => {},
  });
  async function next(n, seconds = 10) {
    const deadline = Date.now() + seconds * 1000;
    while (events.length < n && errors.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 100); });
    }
    assert.deepEqual(errors, [], "the subscription failed");
    assert.ok(events.length >= n, `only ${events.length} of ${n} events in ${seconds} s: ${JSON.stringify(events)}`);
  }
  return { events, next, ready, close: () => { dispose(); client.dispose(); } };
}

test("a graphql-ws subscriber with a filter receives a publish and a retract, and nothing outside its filter", async () => {
  const nigeria = key("contributor", ["NG"], "NAPTIP, Federal Government of Nigeria");
  const kenya = key("contributor", ["KE"], "Counter Trafficking in Persons Secretariat, Kenya");
  const moderator = key("moderator", [], "UNODC Regional Office");

  const feed = subscribe({ filter: { countries: ["NG"] } });
  await feed.ready;
  // The subscription is registered once the server acknowledged it; a moment more is enough
  // for the server to start listening (the feed starts from the log's head at that moment).
  await new Promise((r) => setTimeout(r, 300));

  const outside = await publishPractice(kenya, moderator, "KE");
  const inside = await publishPractice(nigeria, moderator, "NG");
  await gql(moderator, "mutation($id: ID!) { retract(id: $id, reason: \"Published twice.\") { __typename } }", { id: inside });

  await feed.next(2);
  // One more moment: anything else that would arrive (it must not) has time to.
  await new Promise((r) => setTimeout(r, 600));
  feed.close();
  const [published, retracted] = feed.events;
  assert.equal(feed.events.length, 2, JSON.stringify(feed.events));
  assert.ok(!feed.events.some((e) => e.recordId === outside), "the Kenyan practice is outside the filter");

  assert.equal(published.change, "PUBLISHED");
  assert.equal(published.recordId, inside);
  assert.equal(published.kind, "PRACTICE");
  assert.equal(retracted.change, "RETRACTED");
  assert.equal(retracted.recordId, inside);
  assert.equal(retracted.record, null, "a retracted record is not public");
  assert.ok(BigInt(retracted.cursor) > BigInt(published.cursor));
  assert.ok(retracted.version > published.version);

  // A subscriber that comes back with the last cursor it saw gets what it missed, in order.
  const resumed = subscribe({ filter: { countries: ["NG"] }, after: published.cursor });
  await resumed.next(1);
  resumed.close();
  assert.equal(resumed.events[0].recordId, inside);
  assert.equal(resumed.events[0].change, "RETRACTED");
  assert.equal(resumed.events[0].cursor, retracted.cursor);
});

test("a bad filter is refused with its code, before any event", async () => {
  const client = createClient({ url: `${api.replace(/^http/, "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const errors = await new Promise((resolve) => {
    client.subscribe({ query: SUBSCRIPTION, variables: { filter: { countries: ["XX"] } } }, {
      next: (value) => resolve(value.errors ?? []),
      error: (err) => resolve(Array.isArray(err) ? err : [err]),
      complete: () => resolve([]),
    });
  });
  client.dispose();
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.equal(errors[0].extensions?.code, "BAD_USER_INPUT", JSON.stringify(errors));
});

test("a WebSocket without a GraphQL subprotocol gets a clear refusal", async () => {
  const { status, body } = await new Promise((resolve, reject) => {
    const socket = new WebSocket(`${api.replace(/^http/, "ws")}/graphql`);
    socket.on("open", () => reject(new Error("the server took a WebSocket with no subprotocol")));
    socket.on("error", () => {});
    socket.on("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (chunk) => { text += chunk; });
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
  });
  assert.equal(status, 400);
  assert.equal(body.errors[0].extensions.code, "BAD_REQUEST");
  assert.match(body.errors[0].message, /graphql-transport-ws/);
});

test("a node that stops closes its subscriptions with 1001 (going away) and exits", async () => {
  const { child, url } = await startTipx();
  const client = createClient({ url: `${url.replace(/^http/, "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  const closed = new Promise((resolve) => client.on("closed", (event) => resolve(event.code)));
  const connected = new Promise((resolve) => client.on("connected", resolve));
  client.subscribe({ query: SUBSCRIPTION, variables: {} }, { next: () => {}, error: () => {}, complete: () => {} });
  await connected;
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  child.kill("SIGTERM");
  assert.equal(await closed, 1001);
  const timeout = new Promise((resolve) => setTimeout(() => resolve("still running after 10 s"), 10_000));
  const result = await Promise.race([exited, timeout]);
  client.dispose();
  if (result === "still running after 10 s") child.kill("SIGKILL");
  assert.deepEqual(result, { code: 0, signal: null });
});
