#!/usr/bin/env python3
"""Inventory fixtures for Berth's content analysis tests: images whose layers install packages (dpkg, apk, distroless
status.d, Python, npm, Go executables), written with Python's tarfile by images.py's machinery, never by Berth.

    inventory.py oci NAME DIR            an OCI image layout of fixture NAME, tagged "latest"
    inventory.py go-modules FILE         what Python reads from FILE's Go build information, as JSON: an oracle for
                                         a real Go binary (/usr/bin/skopeo), independent of Berth's reader
    inventory.py names                   the fixture names

Go build information is written byte by byte per Go's layout (src/cmd/link/internal/ld/data.go, src/debug/buildinfo):
a 32-byte header (magic, pointer size, flags, padding), then uvarint-prefixed version and module information framed
by the 16-byte sentinels of src/cmd/go/internal/modload/build.go.
"""
import io
import json
import random
import shutil
import sys
import tarfile

import images

MAGIC = b"\xff Go buildinf:"
INFO_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
INFO_END = bytes.fromhex("f932433186182072008242104116d8f2")
ELF_HEADER = b"\x7fELF\x02\x01\x01" + bytes(57)
SKOPEO = "/usr/bin/skopeo"


def uvarint(value):
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def build_info(go_version, modinfo):
    """The ≥ 1.18 layout: header with flags 2 (inline strings), then the version and the framed module information."""
    header = MAGIC + bytes([8, 2]) + bytes(16)
    framed = INFO_START + modinfo.encode() + INFO_END
    return header + uvarint(len(go_version)) + go_version.encode() + uvarint(len(framed)) + framed


APP_MODINFO = "".join([
    "path\texample.com/app/cmd/app\n",
    "mod\texample.com/app\t(devel)\t\n",
    "dep\tgolang.org/x/net\tv0.17.0\th1:pZ0=\n",
    "dep\tgithub.com/old/lib\tv1.0.0\n",
    "=>\tgithub.com/fork/lib\tv1.0.1-fixed\th1:Fk1=\n",
    "dep\tgithub.com/local/thing\tv0.3.0\n",
    "=>\t../thing\t\t\n",
    "build\t-compiler=gc\n",
    "build\tGOOS=linux\n",
])


def go_executable(padding, info, false_magic=True):
    """An ELF header, `padding` bytes (with a Go program's copy of the magic as a string constant, followed by text,
    which the reader must skip), then `info`."""
    rng = random.Random(padding)
    body = bytearray(rng.randbytes(padding))
    if false_magic and padding > 4096:
        constant = MAGIC + b"readBuildInfo: not a Go executable"
        body[2048:2048 + len(constant)] = constant
    return ELF_HEADER + bytes(body) + info + bytes(4096)


def straddling(files, path, info, boundary):
    """Moves `info` inside file `path` (keeping its size) so that its magic straddles a multiple of `boundary` in the
    uncompressed layer stream, where libarchive's blocks end: the tar's data offset of the file is found by writing
    the layer once."""
    size = len(files[path])
    with tarfile.open(fileobj=io.BytesIO(images.tar_bytes(files))) as tar:
        data_offset = tar.getmember(path).offset_data
    magic_at = boundary * ((data_offset + len(ELF_HEADER) + 8192) // boundary + 1) - 7 - data_offset
    padding = magic_at - len(ELF_HEADER)
    content = go_executable(padding, info, false_magic=False)
    files[path] = content + bytes(size - len(content))
    assert len(files[path]) == size


def go_files():
    app = build_info("go1.21.5", APP_MODINFO)
    files = {
        # The magic about 1 MiB into the file, after a false one.
        "usr/local/bin/app": go_executable((1 << 20) + 3, app),
        "usr/local/bin/rc": go_executable(100, build_info("go1.21rc2", "")),
        # The pre-1.18 layout: flags without bit 1, then two pointers.
        "usr/local/bin/legacy": ELF_HEADER + bytes(64) + MAGIC + bytes([8, 0]) + bytes(range(16)) + bytes(64),
        # Build information in a file that is not ELF is not looked for.
        "usr/share/app/buildinfo.bin": b"\0\0\0\0" + app,
        "usr/local/bin/skopeo": open(SKOPEO, "rb").read(),
    }
    for boundary in (10240, 65536, 655360):
        files[f"usr/local/bin/straddle-{boundary}"] = bytes(2 * boundary + 16384)
    for boundary in (10240, 65536, 655360):
        straddling(files, f"usr/local/bin/straddle-{boundary}", app, boundary)
    return files


DEBIAN_OS_RELEASE = """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
"""

DPKG_STATUS = """Package: base-files
Status: install ok installed
Priority: required
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files
 This package contains the basic filesystem hierarchy of a Debian system.
 Package: not-a-package
 Version: 0.0

Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
 .
 Status: not-a-field

Package: bsdutils
Status: install ok installed
Source: util-linux (2.38.1-5+b1)
Version: 1:2.38.1-5+b1
Description: basic utilities from 4.4BSD-Lite

Package: oldpkg
Status: deinstall ok config-files
Version: 1.0-1
Description: removed, its configuration kept

Package: halfpkg
Status: install ok half-installed
Version: 2.0-1

Package: zlib1g
Status: install ok installed
Source: zlib
Version: 1:1.2.13.dfsg-1
"""

METADATA = "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: a package\n\nName: body-{name}\nVersion: 0.0\n"


def npm(name, version=None):
    manifest = {"name": name, "description": "x", "dependencies": {"left-pad": "^1.0.0"}}
    if version:
        manifest["version"] = version
    return json.dumps(manifest, indent=2)


def debian_files():
    return {
        "usr/lib/os-release": DEBIAN_OS_RELEASE,
        "etc/os-release": ("symlink", "../usr/lib/os-release"),
        "var/lib/dpkg/status": DPKG_STATUS,
        "usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA": METADATA.format(name="requests", version="2.31.0"),
        "usr/lib/python3/dist-packages/Zope.Interface-6.0.dist-info/METADATA": METADATA.format(name="Zope.Interface", version="6.0"),
        "usr/local/lib/python3.11/site-packages/typing_extensions-4.8.0.dist-info/METADATA":
            METADATA.format(name="typing_extensions", version="4.8.0"),
        "usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO": METADATA.format(name="PyYAML", version="6.0"),
        "usr/lib/python3/dist-packages/Ruamel__Yaml-0.17.egg-info": METADATA.format(name="Ruamel__Yaml", version="0.17"),
        "app/package.json": npm("my-app", "1.0.0"),
        "app/node_modules/express/package.json": npm("express", "4.18.2"),
        "app/node_modules/@babel/core/package.json": npm("@babel/core", "7.23.0"),
        "app/node_modules/a/package.json": npm("a", "1.0.0"),
        "app/node_modules/a/lib/package.json": npm("a-lib-internal", "0.0.1"),
        "app/node_modules/a/node_modules/b/package.json": npm("b", "2.0.0"),
        "app/node_modules/stub/package.json": npm("stub"),
    }


ALPINE_INSTALLED = """C:Q1abc=
P:musl
V:1.2.4-r2
A:x86_64
o:musl
F:lib
R:libc.musl-x86_64.so.1

C:Q1def=
P:busybox-binsh
V:1.36.1-r5
o:busybox

P:libcrypto3
V:3.1.4-r1
A:x86_64
o:openssl
F:usr/lib
R:libcrypto.so.3

P:alpine-baselayout-data
V:3.4.3-r1
"""

DISTROLESS = {
    "var/lib/dpkg/status.d/base": "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n",
    "var/lib/dpkg/status.d/libc6": "Package: libc6\nVersion: 2.36-9+deb12u4\nSource: glibc\nArchitecture: amd64\n",
    "var/lib/dpkg/status.d/libc6.md5sums": "d41d8cd98f00b204e9800998ecf8427e  lib/x86_64-linux-gnu/libc.so.6\n",
    "var/lib/dpkg/status.d/tzdata-netbase": ("Package: tzdata\nVersion: 2024a-0+deb12u1\n\n"
                                             "Package: netbase\nVersion: 6.4\n"),
    "etc/os-release": DEBIAN_OS_RELEASE,
}

SITE = "usr/lib/python3/dist-packages"

# Each fixture builds its layers when asked: the Go one reads a 16 MiB binary.
FIXTURES = {
    "debian": lambda: [(debian_files(), "gzip", None)],
    "alpine": lambda: [({
        "etc/os-release": "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME='Alpine Linux v3.18'\n",
        "lib/apk/db/installed": ALPINE_INSTALLED,
    }, "gzip", None)],
    "distroless": lambda: [(DISTROLESS, "gzip", None)],
    "go": lambda: [(go_files(), "gzip", None)],
    "python-removed": lambda: [
        ({f"{SITE}/gone-1.0.dist-info/METADATA": METADATA.format(name="gone", version="1.0"),
          f"{SITE}/kept-2.0.dist-info/METADATA": METADATA.format(name="kept", version="2.0")}, "gzip", None),
        ({f"{SITE}/.wh.gone-1.0.dist-info": ""}, "gzip", None),
    ],
    "python-opaque": lambda: [
        ({f"{SITE}/gone-1.0.dist-info/METADATA": METADATA.format(name="gone", version="1.0"),
          "usr/lib/os-release": "ID=debian\n"}, "gzip", None),
        ({f"{SITE}/.wh..wh..opq": "", f"{SITE}/fresh-3.0.dist-info/METADATA": METADATA.format(name="fresh", version="3.0")},
         "gzip", None),
    ],
    "dpkg-rewritten": lambda: [
        ({"var/lib/dpkg/status": DPKG_STATUS, "etc/os-release": "ID=old\n", "usr/lib/os-release": DEBIAN_OS_RELEASE}, "gzip", None),
        # One package fewer, and a long description: the rewritten file is over 2 KiB, the first under.
        ({"var/lib/dpkg/status": DPKG_STATUS.replace("Package: zlib1g", "Package: zlib1g-gone\nStatus: purge ok not-installed\n"
                                                     "Description: gone\n" + " a line of its long description\n" * 60),
          "etc/os-release": ("symlink", "../usr/lib/os-release")}, "gzip", None),
    ],
    "inventory-hostile": lambda: [({
        "var/lib/dpkg/status": DPKG_STATUS + "".join(f"\nPackage: filler{i}\nStatus: install ok installed\nVersion: {i}\n" for i in range(2000)),
        f"{SITE}/garbage-1.0.dist-info/METADATA": random.Random(3).randbytes(5000),
        f"{SITE}/longline-1.0.dist-info/METADATA": "Name: " + "x" * 300_000 + "\n",
        "srv/node_modules/broken/package.json": "{\"name\": \"broken\", \"version\": ",
        "srv/node_modules/array/package.json": "[1, 2, 3]",
        "srv/node_modules/deep/package.json": "[" * 100_000,
        "usr/lib/os-release": random.Random(4).randbytes(3000),
        "lib/apk/db/installed": b"P:\xff\xfe\nV:1\n\nP:ok\nV:1.0-r0\no:\n\n" + random.Random(5).randbytes(2000),
    }, "gzip", None)],
}


def go_modules(path):
    data = open(path, "rb").read()
    at = data.find(MAGIC)
    while data[at + 14] not in (4, 8):
        at = data.find(MAGIC, at + 1)
    offset = at + 32

    def read_string(offset):
        length, shift = 0, 0
        while True:
            byte = data[offset]
            offset += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return data[offset:offset + length], offset + length
    version, offset = read_string(offset)
    modinfo, _ = read_string(offset)
    text = modinfo[16:-16].decode() if len(modinfo) >= 33 and modinfo[-17] == 0x0A else ""
    main, deps = None, []
    for line in text.split("\n"):
        fields = line.split("\t")
        if fields[0] == "mod":
            main = [fields[1], fields[2]]
        elif fields[0] == "dep":
            deps.append([fields[1], fields[2]])
        elif fields[0] == "=>" and len(fields) >= 3 and fields[2]:
            (deps[-1] if deps else main)[1] = fields[2]
    return {"goVersion": version.decode(), "main": main, "dependencies": deps}


def main(argv):
    if len(argv) == 4 and argv[1] == "oci":
        if argv[2] == "go" and shutil.which(SKOPEO) is None:
            sys.exit(f"{SKOPEO} not found: install skopeo (make deps does)")
        images.FIXTURES[argv[2]] = FIXTURES[argv[2]]()
        images.write_oci(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "go-modules":
        print(json.dumps(go_modules(argv[2])))
    elif len(argv) == 2 and argv[1] == "names":
        print("\n".join(FIXTURES))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
