#!/usr/bin/env python3
"""Times every console page as its server reports it (Server-Timing: render;dur=MS), for bench/console.sh.

Usage: console_pages.py BASE_URL REQUESTS_PER_PAGE REPOSITORIES  (reads the admin password and the reader's from the
environment: BENCH_ADMIN_PASSWORD, BENCH_READER_PASSWORD). Prints a Markdown table, and one JSON line per page."""
import http.client
import json
import random
import re
import sys
import time
import urllib.parse
import os

base, per_page, repositories = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host = urllib.parse.urlparse(base).netloc


def request(method, path, cookie=None, body=None):
    connection = http.client.HTTPConnection(host, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    wall = (time.perf_counter() - started) * 1000
    connection.close()
    return response, text, wall


def sign_in(name, password):
    response, _, _ = request("POST", "/ui/login", body=urllib.parse.urlencode({"name": name, "password": password}))
    assert response.status == 303, f"sign-in as {name}: {response.status}"
    return response.getheader("Set-Cookie").split(";")[0]


admin = sign_in("admin", os.environ["BENCH_ADMIN_PASSWORD"])
reader = sign_in("reader", os.environ["BENCH_READER_PASSWORD"])
random.seed(7)


def repository_name():
    return f"bench/{random.randrange(repositories):05d}"


def image_path(cookie):
    _, text, _ = request("GET", "/ui/repository?" + urllib.parse.urlencode({"name": repository_name()}), cookie)
    links = re.findall(r'href="(/ui/image\?[^"]+)"', text)
    assert links, "a repository page without image links"
    return random.choice(links).replace("&amp;", "&")


pages = [
    ("overview", lambda c: "/ui/"),
    ("repositories, first page", lambda c: "/ui/repositories"),
    ("repositories, page 100", lambda c: "/ui/repositories?page=100"),
    ("repositories, search", lambda c: "/ui/repositories?" + urllib.parse.urlencode({"q": f"{random.randrange(repositories):05d}"})),
    ("repository", lambda c: "/ui/repository?" + urllib.parse.urlencode({"name": repository_name()})),
    ("image", image_path),
    ("revisions (admin)", lambda c: "/ui/revisions"),
    ("audit, newest (admin)", lambda c: "/ui/audit"),
    ("audit, one repository (admin)", lambda c: "/ui/audit?" + urllib.parse.urlencode({"repository": repository_name()})),
]

# One request per page and viewer first: the first overview or list after a start reads the repository catalog from
# the store, and the first audit page starts the background digest of the log; neither is a page's steady cost.
for name, path_of in pages:
    for cookie in (admin, reader):
        if "(admin)" not in name or cookie == admin:
            request("GET", path_of(cookie), cookie)
time.sleep(2)

rows = []
for name, path_of in pages:
    for viewer, cookie in (("admin", admin), ("reader", reader)):
        if "(admin)" in name and viewer == "reader":
            continue
        server, wall = [], []
        for _ in range(per_page):
            path = path_of(cookie)
            response, _, elapsed = request("GET", path, cookie)
            assert response.status == 200, f"{path}: {response.status}"
            timing = re.search(r"render;dur=([0-9.]+)", response.getheader("Server-Timing") or "")
            assert timing, f"{path}: no Server-Timing"
            server.append(float(timing.group(1)))
            wall.append(elapsed)
        server.sort()
        wall.sort()
        p = lambda values, q: values[min(len(values) - 1, int(len(values) * q))]
        row = {"page": name, "viewer": viewer, "requests": per_page, "p50_ms": round(p(server, 0.5), 2), "p95_ms": round(p(server, 0.95), 2),
               "max_ms": round(server[-1], 2), "client_p95_ms": round(p(wall, 0.95), 2)}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)

print(f"| page | viewer | server p50 (ms) | server p95 (ms) | max (ms) | client p95 (ms) | p95 < 50 ms |")
print("|---|---|---:|---:|---:|---:|---|")
for row in rows:
    print(f"| {row['page']} | {row['viewer']} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} | {row['client_p95_ms']} | "
          f"{'yes' if row['p95_ms'] < 50 else '**no**'} |")
