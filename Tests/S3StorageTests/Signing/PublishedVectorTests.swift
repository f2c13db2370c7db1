import Foundation
@testable import S3Storage
import Testing

/// The worked examples of AWS's "Signature Calculations for the Authorization Header: Transferring Payload in a Single
/// Chunk". Each expected signature was also reproduced with botocore (the PUT through its canonical-request functions:
/// its `add_auth` drops `x-amz-date` when a `Date` header is present, which the example signs both of).
@Suite struct PublishedVectorTests {
    static let signer = SignatureV4(
        credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1"
    )
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    static let host = ("host", "examplebucket.s3.amazonaws.com")

    func authorization(_ request: SignatureV4.Request) -> String? {
        Self.signer.authorizationHeaders(for: request, at: Self.date).first { $0.name == "authorization" }?.value
    }

    func expected(signedHeaders: String, signature: String) -> String {
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    @Test func getObjectWithRange() {
        let request = SignatureV4.Request(method: "GET", path: "/test.txt", headers: [Self.host, ("Range", "bytes=0-9")], payload: .empty)
        #expect(authorization(request) == expected(
            signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
            signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        ))
    }

    @Test func putObjectWithADollarInTheKey() {
        let request = SignatureV4.Request(
            method: "PUT", path: "/test$file.text",
            headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), Self.host, ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            payload: .hashing(Array("Welcome to Amazon S3.".utf8))
        )
        #expect(SignatureV4.canonicalRequest(request).request.contains("\n/test%24file.text\n"))
        #expect(authorization(request) == expected(
            signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        ))
    }

    @Test func getBucketLifecycle() {
        let request = SignatureV4.Request(method: "GET", path: "/", query: [("lifecycle", "")], headers: [Self.host], payload: .empty)
        #expect(authorization(request) == expected(
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        ))
    }

    @Test func listObjects() {
        // Given out of order: the canonical query sorts them.
        let request = SignatureV4.Request(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [Self.host], payload: .empty)
        #expect(authorization(request) == expected(
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        ))
    }

    @Test func timestampIsUTC() {
        #expect(SignatureV4.timestamp(Date(timeIntervalSince1970: 1_700_000_000.9)) == "20231114T221320Z")
    }
}
