#!/usr/bin/env python3
"""Writes N synthetic OSV records shaped like osv.dev's exports, for bench/vulndb.sh.

Usage: gen-osv.py OUT [N=50000] [SEED=15]. Writes OUT/records/<ID>.json, one record per file, and OUT/all.zip, the
same records as a flat zip of <ID>.json as osv.dev publishes per ecosystem. The mix: Debian:12 (DEBIAN-CVE and DSA),
Alpine:v3.18, PyPI, npm and Go (GHSA and GO ids); advisories per package follow Zipf's law, so a few packages (linux,
openssl) carry hundreds or thousands of advisories as they do in the real databases; ranges with introduced/fixed/last_affected, some with
two intervals; CVE aliases shared between a distribution's record and a GHSA; CVSS v3.1 and v4.0 vectors, severity
words; summaries, and details of 1-3 KB.
"""
import json
import os
import random
import sys
import zipfile

WORDS = ("buffer overflow in the parser allows remote attackers to cause a denial of service or possibly execute "
         "arbitrary code via crafted input when processing untrusted data from the network an integer underflow "
         "use after free heap out of bounds read write null pointer dereference in the handling of certificates "
         "headers cookies archives regular expressions path traversal request smuggling prototype pollution").split()

ECOSYSTEMS = [("Debian:12", 0.35), ("Alpine:v3.18", 0.10), ("PyPI", 0.20), ("npm", 0.20), ("Go", 0.15)]
POOL_SIZES = {"Debian:12": 2500, "Alpine:v3.18": 1500, "PyPI": 4000, "npm": 6000, "Go": 3000}


def package_names(ecosystem, count):
    if ecosystem == "Debian:12":
        head = ["linux", "openssl", "glibc", "curl", "libxml2", "imagemagick", "tiff", "qemu", "php8.2", "python3.11"]
    elif ecosystem == "Alpine:v3.18":
        head = ["openssl", "busybox", "curl", "musl", "libxml2", "expat", "zlib", "sqlite", "nghttp2", "libx11"]
    elif ecosystem == "PyPI":
        head = ["Django", "Pillow", "tensorflow", "requests", "urllib3", "Jinja2", "cryptography", "PyYAML", "lxml", "aiohttp"]
    elif ecosystem == "npm":
        head = ["lodash", "next", "axios", "jsonwebtoken", "express", "minimist", "ws", "semver", "tar", "undici"]
    else:
        head = ["stdlib", "golang.org/x/net", "golang.org/x/crypto", "github.com/docker/docker", "k8s.io/kubernetes",
                "github.com/hashicorp/vault", "golang.org/x/text", "google.golang.org/grpc", "github.com/gin-gonic/gin",
                "github.com/containerd/containerd"]
    names = list(head)
    i = 0
    while len(names) < count:
        if ecosystem == "Go":
            names.append(f"github.com/org{i % 97}/module-{i}")
        elif ecosystem == "PyPI":
            names.append(f"py_package.{i}" if i % 5 == 0 else f"py-package-{i}")
        elif ecosystem == "npm":
            names.append(f"@scope{i % 50}/pkg-{i}" if i % 4 == 0 else f"pkg-{i}")
        else:
            names.append(f"lib{i}-tools")
        i += 1
    return names


def zipf(names):
    """The names with cumulative Zipf weights (s = 1): the first takes about 1/8 of the ecosystem's records, as linux
    does of Debian's; the second half as many, and so on."""
    weights, total = [], 0.0
    for rank in range(1, len(names) + 1):
        total += 1 / rank
        weights.append(total)
    return names, weights


def version(ecosystem, rng, major=None):
    major = rng.randint(0, 12) if major is None else major
    minor, patch = rng.randint(0, 30), rng.randint(0, 40)
    if ecosystem == "Debian:12":
        epoch = "1:" if rng.random() < 0.1 else ""
        suffix = f"+deb12u{rng.randint(1, 9)}" if rng.random() < 0.5 else ""
        return f"{epoch}{major}.{minor}.{patch}-{rng.randint(1, 6)}{suffix}"
    if ecosystem == "Alpine:v3.18":
        return f"{major}.{minor}.{patch}-r{rng.randint(0, 8)}"
    if ecosystem == "PyPI":
        tail = rng.choice(["", "", "", "rc1", ".post1", "b2"])
        return f"{major}.{minor}.{patch}{tail}"
    tail = rng.choice(["", "", "", "", "-beta.1", "-rc.2"])
    return f"{major}.{minor}.{patch}{tail}"


def vector3(rng):
    pick = lambda *values: rng.choice(values)
    return (f"CVSS:3.1/AV:{pick('N', 'A', 'L', 'P')}/AC:{pick('L', 'H')}/PR:{pick('N', 'L', 'H')}/UI:{pick('N', 'R')}"
            f"/S:{pick('U', 'C')}/C:{pick('H', 'L', 'N')}/I:{pick('H', 'L', 'N')}/A:{pick('H', 'L', 'N')}")


def vector4(rng):
    pick = lambda *values: rng.choice(values)
    impacts = "/".join(f"{metric}:{pick('H', 'L', 'N')}" for metric in ("VC", "VI", "VA", "SC", "SI", "SA"))
    return (f"CVSS:4.0/AV:{pick('N', 'A', 'L', 'P')}/AC:{pick('L', 'H')}/AT:{pick('N', 'P')}/PR:{pick('N', 'L', 'H')}"
            f"/UI:{pick('N', 'P', 'A')}/{impacts}")


def text(rng, low, high):
    words, length = [], 0
    target = rng.randint(low, high)
    while length < target:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words).capitalize() + "."


def ranges(ecosystem, rng):
    kind = "SEMVER" if ecosystem in ("npm", "Go") else "ECOSYSTEM"
    major = rng.randint(0, 10)
    start = "0" if rng.random() < 0.6 else version(ecosystem, rng, major)
    events = [{"introduced": start}]
    roll = rng.random()
    if roll < 0.8:
        events.append({"fixed": version(ecosystem, rng, major + 1)})
    elif roll < 0.95:
        events.append({"last_affected": version(ecosystem, rng, major + 1)})
    if rng.random() < 0.15:
        events += [{"introduced": version(ecosystem, rng, major + 3)}, {"fixed": version(ecosystem, rng, major + 4)}]
    return [{"type": kind, "events": events}]


def record(index, rng, pools):
    ecosystem = rng.choices([e for e, _ in ECOSYSTEMS], [w for _, w in ECOSYSTEMS])[0]
    names, weights = pools[ecosystem]
    name = rng.choices(names, cum_weights=weights)[0]
    cve = f"CVE-{rng.randint(2015, 2025)}-{rng.randint(1000, 60000)}"
    if ecosystem == "Debian:12":
        ident = f"DEBIAN-{cve}-{index}" if rng.random() < 0.8 else f"DSA-{5000 + index}-1"
    elif ecosystem == "Alpine:v3.18":
        ident = f"ALPINE-{cve}-{index}"
    elif ecosystem == "Go":
        ident = f"GO-{rng.randint(2020, 2025)}-{index}"
    else:
        ident = f"GHSA-{index:04x}-{rng.randint(0, 0xffff):04x}-{rng.randint(0, 0xffff):04x}"
    item = {
        "schema_version": "1.6.0",
        "id": ident,
        "modified": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z",
        "published": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00Z",
        "aliases": [cve],
        "summary": text(rng, 40, 110),
        "details": text(rng, 1000, 3000),
        "affected": [],
        "references": [{"type": "WEB", "url": f"https://security.example.org/{cve}/{i}"} for i in range(rng.randint(2, 8))],
    }
    entry = {"package": {"ecosystem": ecosystem, "name": name, "purl": f"pkg:generic/{name}"}, "ranges": ranges(ecosystem, rng)}
    if ecosystem in ("PyPI", "npm", "Go"):
        roll = rng.random()
        if roll < 0.5:
            item["severity"] = [{"type": "CVSS_V3", "score": vector3(rng)}]
        elif roll < 0.75:
            item["severity"] = [{"type": "CVSS_V4", "score": vector4(rng)}, {"type": "CVSS_V3", "score": vector3(rng)}]
        item["database_specific"] = {"severity": rng.choice(["LOW", "MODERATE", "HIGH", "CRITICAL"]), "cwe_ids": ["CWE-79"]}
        if rng.random() < 0.2:
            entry["versions"] = [version(ecosystem, rng) for _ in range(rng.randint(1, 20))]
    elif ecosystem == "Debian:12" and rng.random() < 0.5:
        entry["ecosystem_specific"] = {"urgency": rng.choice(["unimportant", "low", "medium", "high", "not yet assigned"])}
    item["affected"].append(entry)
    return item


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 15)
    pools = {ecosystem: zipf(package_names(ecosystem, size)) for ecosystem, size in POOL_SIZES.items()}
    folder = os.path.join(out, "records")
    os.makedirs(folder, exist_ok=True)
    with zipfile.ZipFile(os.path.join(out, "all.zip"), "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(count):
            item = record(index, rng, pools)
            data = json.dumps(item, indent=2)
            with open(os.path.join(folder, item["id"] + ".json"), "w") as file:
                file.write(data)
            archive.writestr(item["id"] + ".json", data)


if __name__ == "__main__":
    main()
