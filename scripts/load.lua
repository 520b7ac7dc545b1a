-- wrk script for scripts/load.sh: NGO pages searching while focal points write and moderators
-- publish, on one server. Every answer is checked: a status other than 2xx, or a GraphQL answer
-- with "errors", is counted and makes the run fail.
--
-- Mix (per request): WRITE_PERCENT % writes, the rest reads. A write is the next step of this
-- thread's pipeline: submit a draft it created, publish a submission, or create a new draft.
-- The answers say which record they moved (their recordId), so the pipeline needs no ids up front.

local contributor = os.getenv("LOAD_CONTRIBUTOR_KEY")
local moderator = os.getenv("LOAD_MODERATOR_KEY")
local write_percent = tonumber(os.getenv("LOAD_WRITE_PERCENT") or "10")

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local reads = {
  '{"query":"query LoadSearch { search(query: \\"forced labour\\", first: 20) { totalHits hits { record { ... on Practice { recordId title } ... on Law { recordId title } ... on Case { recordId title } } } facets { field values { value count } } } }"}',
  '{"query":"query LoadSearchFiltered { search(query: \\"children\\", filter: { regions: [\\"002\\"] }, first: 20) { totalHits hits { highlight { title } } } }"}',
  '{"query":"query LoadPractices { practices(first: 50) { totalCount nodes { title countries { name } } } }"}',
  '{"query":"query LoadCountry { country(code: \\"NG\\") { name laws { totalCount } practices { totalCount } cases { totalCount } } }"}',
}

local practice = '{"query":"mutation LoadCreate($i: PracticeInput!) { createPractice(input: $i) { ... on Practice { recordId } } }",'
  .. '"variables":{"i":{"title":"Loadwatch volunteers %d-%d","countries":["NG"],'
  .. '"leadOrganisation":"National Agency for the Prohibition of Trafficking in Persons",'
  .. '"organisationType":"GOVERNMENT","startYear":2021,"pillars":["PREVENTION"],'
  .. '"targetGroups":["CHILDREN"],"forms":["FORCED_BEGGING"],'
  .. '"summary":"Loadwatch volunteers watch bus stations for children travelling alone and alert the agency.",'
  .. '"language":"en","sources":[{"url":"https://www.naptip.gov.ng/","title":"NAPTIP"}]}}}'

local move = '{"query":"mutation Load%s($id: ID!) { %s(id: $id) { ... on Practice { recordId status } } }","variables":{"id":"%s"}}'

function init(args)
  math.randomseed(id * 7919)
  n = 0
  to_submit = {}
  to_publish = {}
  failures = 0
  writes = 0
  published = 0
  first_failure = ""
end

local function post(body, key)
  local headers = { ["Content-Type"] = "application/json" }
  if key then headers["Authorization"] = "Bearer " .. key end
  return wrk.format("POST", "/graphql", headers, body)
end

function request()
  n = n + 1
  if contributor and math.random(100) <= write_percent then
    writes = writes + 1
    if #to_publish > 0 then
      local rid = table.remove(to_publish, 1)
      return post(string.format(move, "Publish", "publish", rid), moderator)
    elseif #to_submit > 0 then
      local rid = table.remove(to_submit, 1)
      return post(string.format(move, "Submit", "submit", rid), contributor)
    else
      return post(string.format(practice, id, n), contributor)
    end
  end
  return post(reads[math.random(#reads)])
end

function response(status, headers, body)
  if status < 200 or status > 299 or string.find(body, '"errors"', 1, true) then
    failures = failures + 1
    if first_failure == "" then first_failure = status .. " " .. string.sub(body, 1, 300) end
    return
  end
  local created = string.match(body, '"createPractice":{"recordId":"([%w]+)"')
  if created then table.insert(to_submit, created) return end
  local submitted = string.match(body, '"submit":{"recordId":"([%w]+)"')
  if submitted then table.insert(to_publish, submitted) return end
  if string.find(body, '"publish":{', 1, true) then published = published + 1 end
end

function done(summary, latency, requests)
  local failures, writes, published, first = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    failures = failures + t:get("failures")
    writes = writes + t:get("writes")
    published = published + t:get("published")
    if first == "" then first = t:get("first_failure") end
  end
  local secs = summary.duration / 1e6
  io.write(string.format("requests        %d in %.1f s (%.0f/s), %d writes, %d published\n",
    summary.requests, secs, summary.requests / secs, writes, published))
  io.write(string.format("latency         p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("failures        %d (non-2xx or GraphQL errors), %d socket errors\n", failures, socket))
  if first ~= "" then io.write("first failure   " .. first .. "\n") end
  io.write(string.format("LOAD_RESULT failures=%d socket=%d\n", failures, socket))
end
