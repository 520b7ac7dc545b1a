#!/usr/bin/env python3
"""Times the sharing path on a running tipx: a moderator's `publish` mutation, and how long
until the published practice is found by a public search (the outbox, the indexer and the
search backend together). Bounded: N records, each waited for at most 10 s.

    python3 scripts/bench-publish.py http://127.0.0.1:8080 tipx_…   (a moderator key)
"""
import json
import sys
import time
import urllib.request

N = 15


def main():
    base, key = sys.argv[1], sys.argv[2]
    url = base.rstrip("/") + "/graphql"

    def gql(query, variables=None, with_key=True):
        headers = {"content-type": "application/json"}
        if with_key:
            headers["authorization"] = "Bearer " + key
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        answer = json.load(urllib.request.urlopen(urllib.request.Request(url, body, headers)))
        if "errors" in answer:
            raise SystemExit(f"error: {answer['errors']}")
        return answer["data"]

    publish_ms, found_ms = [], []
    # Letters only: a long run of digits would (rightly) look like an identity number.
    stamp = "".join(chr(ord("a") + int(d)) for d in str(int(time.time())))
    for i in range(N):
        word = f"benchprobe{stamp}x{chr(ord('a') + i)}"
        draft = {
            "title": f"Publication timing probe {stamp} {i}",
            "countries": ["NG"],
            "leadOrganisation": "Benchmark",
            "organisationType": "GOVERNMENT",
            "summary": f"A probe practice {word} written by the publication benchmark.",
            "language": "en",
            "sources": [{"url": "https://example.org/"}],
        }
        rid = gql("mutation($i: PracticeInput!) { createPractice(input: $i) { ... on Practice { recordId } } }",
                  {"i": draft})["createPractice"]["recordId"]
        gql("mutation($id: ID!) { submit(id: $id) { __typename } }", {"id": rid})
        t0 = time.perf_counter()
        gql("mutation($id: ID!) { publish(id: $id) { __typename } }", {"id": rid})
        publish_ms.append((time.perf_counter() - t0) * 1000)
        while time.perf_counter() - t0 < 10:
            hits = gql("query($q: String) { search(query: $q) { totalHits } }", {"q": word}, with_key=False)
            if hits["search"]["totalHits"] > 0:
                break
            time.sleep(0.005)
        else:
            raise SystemExit(f"{rid} was not searchable 10 s after publication")
        found_ms.append((time.perf_counter() - t0) * 1000)
        # Leave the catalogue as it was, and let the index settle before the next probe so that
        # each timing is of one publication alone.
        gql("mutation($id: ID!) { retract(id: $id, reason: \"benchmark probe\") { __typename } }", {"id": rid})
        while time.perf_counter() - t0 < 20:
            hits = gql("query($q: String) { search(query: $q) { totalHits } }", {"q": word}, with_key=False)
            if hits["search"]["totalHits"] == 0:
                break
            time.sleep(0.005)

    def line(name, xs):
        xs = sorted(xs)
        return f"{name}: median {xs[len(xs) // 2]:.1f} ms, p90 {xs[int(len(xs) * 0.9)]:.1f} ms, max {xs[-1]:.1f} ms"

    print(line("publish mutation", publish_ms))
    print(line("publish sent -> found by public search", found_ms), f"(n={N})")


if __name__ == "__main__":
    main()
