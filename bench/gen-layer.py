#!/usr/bin/env python3
"""Writes an uncompressed tar layer of about SIZE MiB to stdout for bench/scan.sh: log-like text, source code (with the
credential words the secret rules key on, as real code has them), and binary files (ELF-headed, as executables and
shared libraries are, so the inventory searches every one of them for Go build information), plus a few planted fake
secrets, and first the inventory files of a real image: a dpkg status of 300 packages, Python METADATA, npm
package.json files and a copy of /usr/bin/skopeo (a Go executable).
Usage: gen-layer.py SIZE_MIB | gzip -6 > layer.tar.gz"""
import io
import random
import string
import sys
import tarfile

rng = random.Random(1)
words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 10))) for _ in range(3000)]
text_lines = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 14))) + "\n" for _ in range(4000)]
source_lines = [
    f"    {rng.choice(words)} = {rng.choice(words)}({rng.choice(words)}, {rng.randint(0, 999)})\n" for _ in range(3000)
] + [
    "    token = lexer.next_token()\n", "    if password is None:\n", "        raise ValueError('password required')\n",
    "    secret_name = config.get('secret_name')\n", "def tokenize(source):\n", "    api_key = os.environ['API_KEY']\n",
] * 40
MIB = 1 << 20


ELF_HEADER = b"\x7fELF\x02\x01\x01" + bytes(57)


def content(kind, size):
    if kind == "binary":
        return ELF_HEADER + rng.randbytes(size // 2 - len(ELF_HEADER)) + bytes(size // 2)
    pool = text_lines if kind == "text" else source_lines
    out, total = [], 0
    while total < size:
        line = rng.choice(pool)
        out.append(line)
        total += len(line)
    return "".join(out).encode()


def inventory_files():
    status = "".join(
        f"Package: pkg{i}\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: {rng.randint(10, 9000)}\n"
        f"Maintainer: Debian Team <team@example.org>\nArchitecture: amd64\nSource: src{i // 3} ({i}.0-1)\nVersion: {i}.0-1+b1\n"
        f"Depends: libc6 (>= 2.36), pkg{max(0, i - 1)}\nDescription: package {i}\n"
        + "".join(" " + rng.choice(text_lines) for _ in range(6)) + "\n"
        for i in range(300))
    files = {"var/lib/dpkg/status": status.encode(), "usr/bin/skopeo": open("/usr/bin/skopeo", "rb").read()}
    for i in range(60):
        files[f"usr/lib/python3/dist-packages/dist{i}-1.{i}.dist-info/METADATA"] = (
            f"Metadata-Version: 2.1\nName: dist{i}\nVersion: 1.{i}\nSummary: a distribution\n\n"
            + "".join(rng.choice(text_lines) for _ in range(200))).encode()
    for i in range(400):
        files[f"app/node_modules/module{i}/package.json"] = (
            f'{{"name": "module{i}", "version": "1.0.{i}", "description": "{rng.choice(text_lines).strip()}", "main": "index.js"}}\n'
        ).encode()
    return files


def main():
    target = int(sys.argv[1]) * MIB
    written = 0
    with tarfile.open(fileobj=sys.stdout.buffer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for path, data in inventory_files().items():
            info = tarfile.TarInfo(path)
            info.size, info.mtime = len(data), 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
            written += len(data)
        index = 0
        while written < target:
            kind = rng.choices(["text", "source", "binary"], weights=[40, 35, 25])[0]
            size = rng.choice([4 << 10, 64 << 10, 512 << 10, 2 * MIB])
            data = content(kind, size)
            if index % 97 == 0:
                fake = "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))
                data = (f"GITHUB_TOKEN={fake}\n").encode() + data if kind != "binary" else data
            info = tarfile.TarInfo(f"srv/{kind}/{index:06d}." + {"text": "log", "source": "py", "binary": "bin"}[kind])
            info.size, info.mtime = len(data), 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
            written += len(data)
            index += 1


main()
