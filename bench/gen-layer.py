#!/usr/bin/env python3
"""Writes an uncompressed tar layer of about SIZE MiB to stdout for bench/scan.sh: log-like text, source code (with the
credential words the secret rules key on, as real code has them), and binary files, plus a few planted fake secrets.
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


def content(kind, size):
    if kind == "binary":
        return rng.randbytes(size // 2) + bytes(size // 2)
    pool = text_lines if kind == "text" else source_lines
    out, total = [], 0
    while total < size:
        line = rng.choice(pool)
        out.append(line)
        total += len(line)
    return "".join(out).encode()


def main():
    target = int(sys.argv[1]) * MIB
    written = 0
    with tarfile.open(fileobj=sys.stdout.buffer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
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
