#!/usr/bin/env python3
"""Pushes a cosign signature (tag form) for an image: the simple-signing layer sign.py made, its config and the
manifest under `sha256-<hex>.sig`, over the OCI Distribution API with HTTP Basic. Used by bench/signing.sh.

    push_signature.py URL USER:PASSWORD REPOSITORY DIGEST < sign.py-batch-output.json
"""
import base64
import hashlib
import json
import sys
import urllib.request


def request(method, url, auth, body=None, content_type=None):
    req = urllib.request.Request(url, data=body, method=method)
    req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    if content_type:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req) as response:
        return response


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def push_blob(base, auth, repository, data):
    request("POST", f"{base}/v2/{repository}/blobs/uploads/?digest={digest(data)}", auth, data, "application/octet-stream")
    return {"digest": digest(data), "size": len(data)}


def main():
    base, auth, repository, subject = sys.argv[1:5]
    signed = json.load(sys.stdin)["results"][0]
    layer = base64.b64decode(signed["layer"])
    config = b'{"architecture":"","config":{},"created":"0001-01-01T00:00:00Z","os":"","rootfs":{"type":"layers","diff_ids":[]}}'
    config_descriptor = {"mediaType": "application/vnd.oci.image.config.v1+json", **push_blob(base, auth, repository, config)}
    layer_descriptor = {"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", **push_blob(base, auth, repository, layer),
                        "annotations": {"dev.cosignproject.cosign/signature": signed["signature"]}}
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": config_descriptor, "layers": [layer_descriptor]}).encode()
    tag = subject.replace(":", "-") + ".sig"
    request("PUT", f"{base}/v2/{repository}/manifests/{tag}", auth, manifest, "application/vnd.oci.image.manifest.v1+json")


if __name__ == "__main__":
    main()
