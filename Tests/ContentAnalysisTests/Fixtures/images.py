#!/usr/bin/env python3
"""Container images for Berth's content analysis tests, built with Python's tarfile/gzip and the zstd CLI, so no test
checks Berth's reader against layers Berth wrote.

    images.py layer NAME OUT [INDEX]     one layer blob of fixture NAME (layer INDEX, from 0); prints its media type
                                         and digest as JSON
    images.py oci NAME DIR               an OCI image layout, tagged "latest"
    images.py docker-archive NAME FILE   a `docker save` tar: manifest.json, config, each layer as <diff id>/layer.tar
    images.py secret-values              the planted secrets, as JSON
    images.py names                      the fixture names

Everything is deterministic (fixed mtimes and owners, sorted entries, gzip mtime 0), so equal layers have equal
digests across fixtures. The planted secrets are fake but well formed, generated from fixed seeds; they appear in no
other file of the repository, so a test can grep a data folder for them.
"""
import gzip
import hashlib
import io
import json
import os
import random
import string
import subprocess
import sys
import tarfile

MTIME = 1_700_000_000
GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
UNKNOWN = "application/vnd.example.unknown"
ALNUM = string.ascii_letters + string.digits
BASE64 = ALNUM + "+/"


def generated(seed, alphabet, length):
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(length))


def pem_block():
    rng = random.Random("rsa-private-key")
    body = bytes(rng.getrandbits(8) for _ in range(1190))
    import base64
    encoded = base64.b64encode(body).decode()
    lines = [encoded[i:i + 64] for i in range(0, len(encoded), 64)]
    return "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----"


SECRETS = {
    "aws_access_key_id": "AKIA" + generated("aws-access-key-id", string.ascii_uppercase + "234567", 16),
    "aws_secret_access_key": generated("aws-secret-access-key", BASE64, 40),
    "rsa_private_key": pem_block(),
    "github_token": "ghp_" + generated("github-token", ALNUM, 36),
    "npm_token": "npm_" + generated("npm-token", ALNUM, 36),
    "google_api_key": "AIza" + generated("google-api-key", ALNUM + "_-", 35),
    "slack_webhook_url": "https://hooks.slack.com/services/T" + generated("slack-team", string.ascii_uppercase + string.digits, 8)
    + "/B" + generated("slack-bot", string.ascii_uppercase + string.digits, 10) + "/" + generated("slack-hook", ALNUM, 24),
    "gitlab_token": "glpat-" + generated("gitlab-token", ALNUM, 20),
    "slack_token": "xoxb-" + generated("slack-token-team", string.digits, 12) + "-" + generated("slack-token-bot", string.digits, 13)
    + "-" + generated("slack-token-secret", ALNUM, 24),
    "stripe_live_key": "sk_live_" + generated("stripe-live-key", ALNUM, 32),
    "generic_password": generated("generic-password", ALNUM + "!#%&*+-", 20),
    # Real-looking, but under usr/share/doc: documentation, never reported.
    "doc_github_token": "ghp_" + generated("doc-github-token", ALNUM, 36),
}


def clean_files():
    rng = random.Random("clean")
    binary = bytes(rng.getrandbits(8) for _ in range(20_000)) + b"\0"
    return {
        "etc/os-release": "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n",
        "app/main.py": "import tokenize\n\n\ndef tokens(source):\n    token = next_token(source)\n    password_field = form.password\n    return token\n",
        "app/settings.yaml": "database:\n  host: db\n  password: ${DB_PASSWORD}\n",
        "usr/bin/tool": binary,
    }


def secrets_layers():
    env = ("# application settings\nDEBUG=false\n"
           f"AWS_ACCESS_KEY_ID={SECRETS['aws_access_key_id']}\n"
           f"AWS_SECRET_ACCESS_KEY={SECRETS['aws_secret_access_key']}\n")
    config = ("app:\n  name: payments\n  replicas: 2\ngithub:\n"
              f"  token: {SECRETS['github_token']}\n")
    return [
        {"app/.env": env, "root/.ssh/id_rsa": SECRETS["rsa_private_key"] + "\n", "etc/hostname": "payments\n"},
        {"etc/app/config.yaml": config},
    ]


def look_alike_files():
    config = "\n".join([
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "NPM_TOKEN=npm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "STRIPE_KEY=sk_live_EXAMPLEexampleEXAMPLEexample00",
        "password = \"changeme\"",
        "password=${DB_PASSWORD}",
        "db_password: \"<password>\"",
        "api_key = aaaaaaaabbbbbbbb",
        "secret: example-secret-value-123",
        "token = tokenizer.next_token()",
        "admin_password = password123",
        "",
    ])
    doc = f"Set the token like this:\n\n    GITHUB_TOKEN={SECRETS['doc_github_token']}\n"
    binary = b"\x7fELF\0\0\0" + f"token={SECRETS['doc_github_token']}".encode() + b"\0"
    return {
        "app/config.env": config,
        "usr/share/doc/tool/README.md": doc,
        "usr/share/man/man1/tool.1": doc,
        "usr/lib/tool/tool.so": binary,
    }


def many_files():
    files = {}
    for i in range(10_000):
        files[f"srv/data/file-{i:05d}.txt"] = f"record {i}\nvalue {i * 7}\n"
    files["srv/data/file-04321.txt"] = f"record 4321\nslack = {SECRETS['slack_token']}\n"
    return files


def zeros(size):
    class Zeros(io.RawIOBase):
        remaining = size

        def readable(self):
            return True

        def readinto(self, buffer):
            n = min(len(buffer), self.remaining)
            buffer[:n] = bytes(n)
            self.remaining -= n
            return n
    return io.BufferedReader(Zeros(), 1 << 20), size


def token_lines(count):
    """`count` distinct well-formed npm tokens, one per line: a layer hostile by its number of findings."""
    data = "".join(f"token{i} = npm_{generated(f'npm-many-{i}', ALNUM, 36)}\n" for i in range(count)).encode()
    return io.BytesIO(data), len(data)


def hex_text(size):
    """About `size` bytes of hexadecimal text in short lines: clean, and slow enough to scan that a test can stop a
    server in the middle of it."""
    raw = random.Random(7).randbytes(size // 2).hex().encode()
    data = b"\n".join(raw[i:i + 79] for i in range(0, len(raw), 79))
    return io.BytesIO(data), len(data)


BASE = {"etc/os-release": "ID=berth-base\n", "opt/base/settings.ini": f"[stripe]\nmode = live\nkey = {SECRETS['stripe_live_key']}\n"}

# Each fixture: a list of layers; a layer is (files, compression, media type override or None). A file's value is its
# content, ("symlink", target), ("dir",) or a (reader, size) pair for large generated content.
FIXTURES = {
    "clean": [(clean_files(), "gzip", None)],
    "secrets": [(files, "gzip", None) for files in secrets_layers()],
    "deleted-secret": [
        ({"app/.npmrc": f"//registry.npmjs.org/:_authToken={SECRETS['npm_token']}\n", "var/cache/app/old": "x\n"}, "gzip", None),
        ({"app/.wh..npmrc": "", "var/cache/.wh..wh..opq": "", "var/cache/new": "y\n"}, "gzip", None),
    ],
    "look-alikes": [(look_alike_files(), "gzip", None)],
    "zstd": [({"app/secrets.txt": "\n".join([
        "# integrations",
        f"google: {SECRETS['google_api_key']}",
        f"webhook: {SECRETS['slack_webhook_url']}",
        f"gitlab: {SECRETS['gitlab_token']}",
        f"DB_PASSWORD=\"{SECRETS['generic_password']}\"",
        "",
    ])}, "zstd", None)],
    "gzip-bomb": [({"data/zeros": lambda: zeros(80 << 20)}, "gzip", None)],
    "truncated-gzip": [(dict(clean_files(), **{"app/big.txt": "".join(f"line {i} of a long file\n" for i in range(4000))}), "truncated-gzip", None)],
    "unknown-media-type": [(clean_files(), "gzip", UNKNOWN)],
    "symlink-loop": [({"usr/lib": ("dir",), "lib": ("symlink", "usr/lib"), "a/b": ("symlink", "c"), "a/c": ("symlink", "./b"),
                       "etc/os-release": "ID=loop\n"}, None, None)],
    "long-path": [({"deep/" + "d" * 5000 + "/file": "x\n"}, "gzip", None)],
    "many-files": [(many_files(), "gzip", None)],
    "many-secrets": [({"srv/tokens.txt": lambda: token_lines(1500)}, "gzip", None)],
    "large-clean": [({"opt/data/large.txt": lambda: hex_text(64 << 20)}, "gzip", None)],
    "shared-base-a": [(BASE, "gzip", None), ({"app/a.txt": "image a\n"}, "gzip", None)],
    "shared-base-b": [(BASE, "gzip", None), ({"app/b.txt": "image b\n"}, "gzip", None)],
}


def tar_bytes(files):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        directories = set()
        for path in files:
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                directories.add("/".join(parts[:i]))
        entries = {d: ("dir",) for d in directories}
        entries.update(files)
        for path in sorted(entries):
            value = entries[path]
            info = tarfile.TarInfo(path)
            info.mtime, info.uid, info.gid, info.uname, info.gname = MTIME, 0, 0, "", ""
            if callable(value):
                value = value()
            if isinstance(value, tuple) and value[0] == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            elif isinstance(value, tuple) and value[0] == "symlink":
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, value[1], 0o777
                tar.addfile(info)
            elif isinstance(value, tuple):
                reader, size = value
                info.size, info.mode = size, 0o644
                tar.addfile(info, reader)
            else:
                data = value.encode() if isinstance(value, str) else value
                info.size, info.mode = len(data), 0o600 if "/.ssh/" in path or path.endswith(".env") else 0o644
                tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def gzip_bytes(data):
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=6) as compressed:
        compressed.write(data)
    return out.getvalue()


def zstd_bytes(data):
    return subprocess.run(["zstd", "-q", "-c", "-3", "--no-check"], input=data, stdout=subprocess.PIPE, check=True).stdout


def build_layer(layer):
    """(blob, media type, diff id) of one layer."""
    files, compression, media_type = layer
    tar = tar_bytes(files)
    diff_id = "sha256:" + hashlib.sha256(tar).hexdigest()
    if compression == "gzip":
        return gzip_bytes(tar), media_type or GZIP, diff_id
    if compression == "truncated-gzip":
        blob = gzip_bytes(tar)
        return blob[:len(blob) * 3 // 5], media_type or GZIP, diff_id
    if compression == "zstd":
        return zstd_bytes(tar), media_type or ZSTD, diff_id
    return tar, media_type or "application/vnd.oci.image.layer.v1.tar", diff_id


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write_blob(folder, data):
    d = digest(data)
    path = os.path.join(folder, "blobs", "sha256", d.split(":")[1])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
    return d


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def config_for(diff_ids):
    return canonical({"architecture": "amd64", "os": "linux", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": diff_ids}, "created": "2023-11-14T22:13:20Z"})


def write_oci(name, folder):
    layers = [build_layer(layer) for layer in FIXTURES[name]]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "oci-layout"), "w") as out:
        out.write('{"imageLayoutVersion":"1.0.0"}')
    config = config_for([diff_id for _, _, diff_id in layers])
    manifest = canonical({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": write_blob(folder, config), "size": len(config)},
        "layers": [{"mediaType": media_type, "digest": write_blob(folder, blob), "size": len(blob)} for blob, media_type, _ in layers],
    })
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": write_blob(folder, manifest), "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}
    with open(os.path.join(folder, "index.json"), "wb") as out:
        out.write(canonical(index))


def write_docker_archive(name, file):
    """Classic `docker save`: uncompressed layers as <diff id hex>/layer.tar, named in manifest.json."""
    tars = [tar_bytes(files) for files, _, _ in FIXTURES[name]]
    diff_ids = [digest(tar) for tar in tars]
    config = config_for(diff_ids)
    config_name = digest(config).split(":")[1] + ".json"
    members = [(config_name, config)]
    layer_names = []
    for tar, diff_id in zip(tars, diff_ids):
        layer_names.append(diff_id.split(":")[1] + "/layer.tar")
        members.append((layer_names[-1], tar))
    members.append(("manifest.json", canonical([{"Config": config_name, "RepoTags": [f"{name}:latest"], "Layers": layer_names}])))
    with tarfile.open(file, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path, data in members:
            info = tarfile.TarInfo(path)
            info.mtime, info.size, info.mode = MTIME, len(data), 0o644
            archive.addfile(info, io.BytesIO(data))


def main(argv):
    if len(argv) >= 2 and argv[1] == "secret-values":
        print(json.dumps(SECRETS, indent=2, sort_keys=True))
    elif len(argv) >= 2 and argv[1] == "names":
        print("\n".join(FIXTURES))
    elif len(argv) in (4, 5) and argv[1] == "layer":
        blob, media_type, _ = build_layer(FIXTURES[argv[2]][int(argv[4]) if len(argv) == 5 else 0])
        with open(argv[3], "wb") as out:
            out.write(blob)
        print(json.dumps({"mediaType": media_type, "digest": digest(blob), "size": len(blob)}))
    elif len(argv) == 4 and argv[1] == "oci":
        write_oci(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "docker-archive":
        write_docker_archive(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
