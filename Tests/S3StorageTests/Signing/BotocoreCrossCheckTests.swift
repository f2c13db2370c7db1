import Foundation
@testable import S3Storage
import TestSupport
import Testing

/// The signer against botocore's, an implementation written independently, on requests built to be awkward: keys with
/// spaces, `+`, `=`, `~`, `..`, non-ASCII text and empty segments; many, repeated and empty query parameters; header
/// values with runs of spaces; session tokens; signed and unsigned payloads. Every Authorization header must match.
@Suite struct BotocoreCrossCheckTests {
    struct Case: Codable {
        var method: String
        var endpoint: String
        var bucket: String
        var key: String?
        var query: [[String]]
        var headers: [[String]]
        var body: String?
        var unsigned: Bool
        var token: String?
        var access_key: String
        var secret_key: String
    }

    static let script = #"""
        # botocore's S3 SigV4 signer at a fixed date (20130524T000000Z), over the requests on stdin; prints their
        # Authorization headers. Absent fields (key, body, token) are None. The key is percent-encoded as botocore's own serializer does (percent_encode, '/~' safe).
        import datetime, json, sys, types
        import botocore.auth
        from botocore.awsrequest import AWSRequest
        from botocore.config import Config
        from botocore.credentials import Credentials
        from botocore.utils import percent_encode

        # The clock, fixed: older botocore (Debian's) calls datetime.datetime.utcnow(), newer get_current_datetime().
        class FixedClock(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return datetime.datetime(2013, 5, 24, 0, 0, 0)
        clock = types.ModuleType("datetime")
        clock.__dict__.update(datetime.__dict__)
        clock.datetime = FixedClock
        botocore.auth.datetime = clock
        botocore.auth.get_current_datetime = FixedClock.utcnow
        out = []
        for r in json.load(sys.stdin):
            path = "/" + r["bucket"]
            if r.get("key") is not None:
                path += "/" + percent_encode(r["key"], safe="/~")
            request = AWSRequest(method=r["method"], url=r["endpoint"] + path, data=(r.get("body") or "").encode(),
                                 params=[tuple(p) for p in r["query"]] or None)
            for name, value in r["headers"]:
                request.headers[name] = value
            request.context["client_config"] = Config(s3={"payload_signing_enabled": not r["unsigned"]})
            credentials = Credentials(r["access_key"], r["secret_key"], r.get("token"))
            botocore.auth.S3SigV4Auth(credentials, "s3", "us-east-1").add_auth(request)
            out.append(request.headers["Authorization"])
        json.dump(out, sys.stdout)
        """#

    static let keyPieces = [
        "a", "Z", "0", "photos", " ", "  ", "+", "=", "~", "..", ".", "/", "//", "é", "日本語", "%", "%2F", "&", "?", "#", "$", "!",
        "*", "'", "(", ")", ",", ";", ":", "@", "\\", "\"", "<", ">", "[", "]", "{", "}", "|", "^", "`", "-", "_", "😀",
    ]
    static let valuePieces = ["", "x", "1", " ", "+", "=", "&", "/", "~", "é", "a b", "%41", "*", "2013-05-24", "..", "😀"]
    static let methods = ["GET", "PUT", "HEAD", "DELETE", "POST"]

    static func cases(count: Int) -> [Case] {
        var random = SplitMix64(seed: 0x5349_4756_3400)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func text(_ pieces: [String], upTo length: Int) -> String {
            (0..<Int(random.next() % UInt64(length + 1))).map { _ in pick(pieces) }.joined()
        }
        return (0..<count).map { index in
            let method = pick(methods)
            let query = (0..<Int(random.next() % 7)).map { _ in [text(valuePieces, upTo: 3), text(valuePieces, upTo: 4)] }
                + (index % 5 == 0 ? [["dup", "b"], ["dup", "a"], ["dup", ""]] : [])
            let headers = (0..<Int(random.next() % 5)).map { number in
                ["X-Amz-Meta-\(number)\(pick(["a", "B", "c-d"]))", pick(["  padded  ", "runs   of    spaces", "a\tb", "", "x", "v=1; w=2"])]
            } + [["host", index % 2 == 0 ? "127.0.0.1:9000" : "s3.example.com"]]
            let hasBody = method == "PUT" || method == "POST"
            return Case(
                method: method,
                endpoint: index % 2 == 0 ? "http://127.0.0.1:9000" : "https://s3.example.com",
                bucket: pick(["bucket", "my.bucket-1"]),
                key: index % 9 == 0 ? nil : text(keyPieces, upTo: 12),
                query: query,
                headers: headers,
                body: hasBody ? text(valuePieces, upTo: 20) : nil,
                unsigned: index % 3 == 0,
                token: index % 4 == 0 ? "FQoG//token+with=odd/characters" : nil,
                access_key: "AKID\(index)",
                secret_key: "secret/\(index)+KEY="
            )
        }
    }

    @Test func signsExactlyAsBotocore() throws {
        let cases = Self.cases(count: 300)
        let python = try python3(with: "botocore")
        let result = try run(python, ["-c", Self.script], stdin: try JSONEncoder().encode(cases))
        let expected = try JSONDecoder().decode([String].self, from: result.stdout)
        try #require(expected.count == cases.count)
        for (sample, botocore) in zip(cases, expected) {
            let signer = SignatureV4(
                credentials: S3Credentials(accessKeyID: sample.access_key, secretAccessKey: sample.secret_key, sessionToken: sample.token),
                region: "us-east-1"
            )
            let request = SignatureV4.Request(
                method: sample.method,
                path: "/\(sample.bucket)" + (sample.key.map { "/" + $0 } ?? ""),
                query: sample.query.map { ($0[0], $0[1]) },
                headers: sample.headers.map { ($0[0], $0[1]) },
                payload: sample.unsigned ? .unsigned : .hashing(Array((sample.body ?? "").utf8))
            )
            let ours = signer.authorizationHeaders(for: request, at: Date(timeIntervalSince1970: 1_369_353_600)).first { $0.name == "authorization" }?.value
            #expect(ours == botocore, "\(sample.method) key \(sample.key.debugDescription) query \(sample.query)")
        }
    }
}
