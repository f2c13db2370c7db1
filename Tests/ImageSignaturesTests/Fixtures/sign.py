#!/usr/bin/env python3
"""Builds container-image signature layers the way cosign, sigstore bundles and notation lay them out, so Berth's
tests check its verifier against signatures made by code other than its own.

    sign.py batch < requests.json     prints the keys, the CA certificates and one result per request, as JSON
    sign.py pinned FOLDER             rewrites the pinned fixtures in FOLDER from the fixed keys kept there

Needs the `cryptography` module (Debian: python3-cryptography).
"""
import base64
import datetime
import hashlib
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

COSIGN_TYPE = "cosign container image signature"
COSIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1"
IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
NOTATION_PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json"
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"


def b64(data):
    return base64.b64encode(data).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def compact_json(value):
    return json.dumps(value, separators=(",", ":")).encode()


def spki(key):
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def new_key(name):
    """A fresh key of the kind `name` says; `other-KIND` is a second key of that kind, one nobody declares."""
    kind = name.removeprefix("other-")
    curves = {"p256": ec.SECP256R1, "p384": ec.SECP384R1, "p521": ec.SECP521R1, "secp256k1": ec.SECP256K1}
    if kind in curves:
        return ec.generate_private_key(curves[kind]())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "rsa1024":
        return rsa.generate_private_key(public_exponent=65537, key_size=1024)
    raise SystemExit(f"unknown key kind {kind}")


def curve_hash(key):
    return {256: hashes.SHA256, 384: hashes.SHA384, 521: hashes.SHA512}[key.curve.key_size]()


def sign(key, message, rsa_padding="pkcs1"):
    """A signature as cosign and DSSE carry it: ASN.1 DER for ECDSA, PKCS#1 v1.5 or PSS with SHA-256 for RSA."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(message, ec.ECDSA(curve_hash(key)))
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    if rsa_padding == "pss":
        return key.sign(message, padding.PSS(padding.MGF1(hashes.SHA256()), hashes.SHA256.digest_size), hashes.SHA256())
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256())


def sign_jws(key, alg, message):
    """A JWS signature (RFC 7518): RSASSA-PSS with the hash's length as salt, or ECDSA as raw r || s."""
    digest = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}[alg[2:]]()
    if alg.startswith("PS"):
        return key.sign(message, padding.PSS(padding.MGF1(digest), digest.digest_size), digest)
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(digest)))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def cosign_layer(key, request):
    """The simple-signing payload and the `dev.cosignproject.cosign/signature` annotation."""
    payload = {
        "critical": {
            "identity": {"docker-reference": "registry.example/team/app"},
            "image": {request.get("digestKey", "docker-manifest-digest"): request["digest"]},
            "type": request.get("type", COSIGN_TYPE),
        },
        "optional": None,
    }
    layer = compact_json(payload)
    return {"layer": b64(layer), "signature": b64(sign(key, layer, request.get("padding", "pkcs1")))}


def pae(payload_type, body):
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def bundle_layer(key, request):
    """A sigstore bundle v0.3 holding a DSSE envelope over an in-toto statement, as `cosign sign --new-bundle-format` writes."""
    algorithm, hex_digest = request["digest"].split(":")
    statement = {
        "_type": request.get("statementType", "https://in-toto.io/Statement/v1"),
        "subject": [{"name": "registry.example/team/app", "digest": {algorithm: hex_digest}}],
        "predicateType": request.get("predicateType", COSIGN_PREDICATE),
        "predicate": {},
    }
    body = compact_json(statement)
    signature = sign(key, pae(IN_TOTO_PAYLOAD_TYPE, body), request.get("padding", "pkcs1"))
    material = {"tlogEntries": []}
    if request.get("hint", True):
        material["publicKey"] = {"hint": b64(hashlib.sha256(spki(key)).digest())}
    bundle = {
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": material,
        "dsseEnvelope": {"payload": b64(body), "payloadType": IN_TOTO_PAYLOAD_TYPE, "signatures": [{"sig": b64(signature), "keyid": ""}]},
    }
    return {"layer": b64(compact_json(bundle))}


def name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Berth tests"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def certificate(subject, subject_key, issuer, issuer_key, not_before, not_after, ca, serial):
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(subject_key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
    algorithm = None if isinstance(issuer_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(issuer_key, algorithm)


def der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def notation_layer(leaf_key, chain, request, signing_time):
    """A notation JWS (JSON serialization) whose x5c is `chain`, leaf first."""
    alg = request["alg"]
    crit = ["io.cncf.notary.signingScheme"]
    protected = {"alg": alg, "cty": NOTATION_PAYLOAD_TYPE, "io.cncf.notary.signingScheme": "notary.x509",
                 "io.cncf.notary.signingTime": rfc3339(signing_time)}
    if "expiry" in request:
        protected["io.cncf.notary.expiry"] = rfc3339(signing_time + datetime.timedelta(seconds=request["expiry"]))
        if request.get("expiryInCrit", True):
            crit.append("io.cncf.notary.expiry")
    for extra in request.get("extraCrit", []):
        crit.append(extra)
        protected[extra] = "x"
    protected["crit"] = crit
    payload = {"targetArtifact": {"mediaType": MANIFEST_MEDIA_TYPE, "digest": request["digest"], "size": 1234}}
    encoded_protected, encoded_payload = b64url(compact_json(protected)), b64url(compact_json(payload))
    signature = sign_jws(leaf_key, request.get("signAlg", alg), f"{encoded_protected}.{encoded_payload}".encode())
    jws = {
        "payload": encoded_payload,
        "protected": encoded_protected,
        "header": {"x5c": [b64(der(cert)) for cert in chain], "io.cncf.notary.signingAgent": "notation-go/1.3.0"},
        "signature": b64url(signature),
    }
    return {"layer": b64(compact_json(jws)), "x5c": [b64(der(cert)) for cert in chain]}


class Authorities:
    """A trusted root and intermediate, and a root nobody declares, each signing leaves on demand."""

    def __init__(self, now):
        self.now = now
        self.root_key, self.intermediate_key, self.other_key = (new_key("p256") for _ in range(3))
        start, end = now - datetime.timedelta(days=30), now + datetime.timedelta(days=3650)
        self.root = certificate("Berth Test Root", self.root_key, "Berth Test Root", self.root_key, start, end, True, 1)
        self.intermediate = certificate("Berth Test Intermediate", self.intermediate_key, "Berth Test Root", self.root_key,
                                        start, end, True, 2)
        self.other = certificate("Undeclared Root", self.other_key, "Undeclared Root", self.other_key, start, end, True, 3)
        self.serial = 100

    def chain(self, leaf_key, trusted, expired):
        self.serial += 1
        if expired:
            not_before, not_after = self.now - datetime.timedelta(days=20), self.now - datetime.timedelta(days=1)
        else:
            not_before, not_after = self.now - datetime.timedelta(days=1), self.now + datetime.timedelta(days=365)
        if trusted:
            leaf = certificate("Berth Test Signer", leaf_key, "Berth Test Intermediate", self.intermediate_key,
                               not_before, not_after, False, self.serial)
            return [leaf, self.intermediate, self.root]
        leaf = certificate("Undeclared Signer", leaf_key, "Undeclared Root", self.other_key, not_before, not_after, False,
                           self.serial)
        return [leaf, self.other]


def batch():
    spec = json.load(sys.stdin)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    keys = {name: new_key(name) for name in spec["keys"]}
    authorities = Authorities(now)
    results = []
    for request in spec["requests"]:
        form = request["form"]
        if form == "cosign":
            results.append(cosign_layer(keys[request["key"]], request))
        elif form == "bundle":
            results.append(bundle_layer(keys[request["key"]], request))
        elif form == "notation":
            leaf_key = keys[request["key"]]
            chain = authorities.chain(leaf_key, request.get("chain", "trusted") == "trusted", request.get("expiredLeaf", False))
            signing_time = now + datetime.timedelta(seconds=request.get("signingTimeOffset", -60))
            results.append(notation_layer(leaf_key, chain, request, signing_time))
        else:
            raise SystemExit(f"unknown form {form}")
    json.dump({
        "keys": {name: b64(spki(key)) for name, key in keys.items()},
        "trustedRoot": b64(der(authorities.root)),
        "otherRoot": b64(der(authorities.other)),
        "results": results,
    }, sys.stdout)


def pinned(folder):
    """Fixed keys make Ed25519 and RSA PKCS#1 v1.5 signatures, and the Ed25519-signed certificates, come out byte for
    byte the same on every run; the notation signature (PSS) is the one part that changes when this is rerun."""
    ed_key = ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"berth pinned ed25519").digest())
    ca_key = ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"berth pinned ca").digest())
    with open(f"{folder}/rsa-key.pem", "rb") as file:
        rsa_key = serialization.load_pem_private_key(file.read(), password=None)
    subject = "sha256:" + hashlib.sha256(b"berth pinned image manifest").hexdigest()
    signed = datetime.datetime(2026, 1, 1)
    ca = certificate("Berth Pinned Root", ca_key, "Berth Pinned Root", ca_key, datetime.datetime(2025, 1, 1),
                     datetime.datetime(2099, 1, 1), True, 1)
    leaf = certificate("Berth Pinned Signer", rsa_key, "Berth Pinned Root", ca_key, datetime.datetime(2025, 1, 1),
                       datetime.datetime(2030, 1, 1), False, 2)
    cases = []

    def write(file_name, layer, form, media_type, signer, signature=None):
        with open(f"{folder}/{file_name}", "wb") as file:
            file.write(layer)
        cases.append({"file": file_name, "form": form, "mediaType": media_type, "signature": signature, "signer": signer})

    for kind, key in [("ed25519", ed_key), ("rsa", rsa_key)]:
        made = cosign_layer(key, {"digest": subject})
        write(f"cosign-{kind}.json", base64.b64decode(made["layer"]), "cosign",
              "application/vnd.dev.cosign.simplesigning.v1+json", kind, made["signature"])
        made = bundle_layer(key, {"digest": subject})
        write(f"bundle-{kind}.json", base64.b64decode(made["layer"]), "sigstore-bundle",
              "application/vnd.dev.sigstore.bundle.v0.3+json", kind)
    made = notation_layer(rsa_key, [leaf, ca], {"alg": "PS256", "digest": subject}, signed)
    write("notation-rsa.jws.json", base64.b64decode(made["layer"]), "notation", "application/jose+json", "ca")
    index = {
        "subject": subject,
        "now": "2026-06-01T00:00:00Z",
        "keys": {"ed25519": b64(spki(ed_key)), "rsa": b64(spki(rsa_key))},
        "ca": b64(der(ca)),
        "cases": cases,
    }
    with open(f"{folder}/index.json", "w") as file:
        json.dump(index, file, indent=2)
        file.write("\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["batch"]:
        batch()
    elif sys.argv[1:2] == ["pinned"] and len(sys.argv) == 3:
        pinned(sys.argv[2])
    else:
        raise SystemExit(__doc__)
