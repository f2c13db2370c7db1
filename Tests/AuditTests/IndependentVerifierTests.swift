import Foundation
import TestSupport
import Testing

/// The chain and the checkpoints as spec/audit.md describes them, checked by a verifier written from the spec in
/// Python (hashlib, json and the `cryptography` package, with the system's `zstd` to decompress), not by Berth's code: a misreading of the format in
/// Berth cannot pass here by agreeing with itself.
@Suite struct IndependentVerifierTests {
    static let verifier = #"""
    import base64, glob, hashlib, json, os, subprocess, sys
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    folder = sys.argv[1]
    key = load_pem_private_key(open(os.path.join(folder, "audit-key.pem"), "rb").read(), None).public_key()
    hashes, prev, expected = {}, "0" * 64, 1
    for path in sorted(glob.glob(os.path.join(folder, "segments", "*.jsonl*"))):
        data = subprocess.run(["zstd", "-dcq", path], check=True, capture_output=True).stdout if path.endswith(".zst") else open(path, "rb").read()
        assert data.endswith(b"\n"), path
        for line in data[:-1].split(b"\n"):
            record = json.loads(line)
            canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
            assert canonical == line, (path, line, canonical)
            assert record["seq"] == expected, (record["seq"], expected)
            assert record["prev"] == prev, record["seq"]
            prev = hashlib.sha256(line).hexdigest()
            hashes[expected] = prev
            expected += 1
    checked = 0
    for line in open(os.path.join(folder, "checkpoints.jsonl"), "rb").read().splitlines():
        c = json.loads(line)
        message = f"berth-audit-checkpoint/v1\n{c['seq']}\n{c['head']}\n{c['time']}\n".encode()
        key.verify(base64.b64decode(c["signature"]), message)
        assert hashes[c["seq"]] == c["head"], c
        checked += 1
    print(expected - 1, checked)
    """#

    @Test func pythonVerifiesTheChainAndTheCheckpointsFromTheSpecAlone() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try AuditFixture(in: directory)
            try await fixture.write(400)
            let python = try python3(with: "cryptography")
            let result = try run(python, ["-c", Self.verifier, fixture.folder.path])
            #expect(result.text.trimmingCharacters(in: .whitespacesAndNewlines) == "400 4")
        }
    }
}
