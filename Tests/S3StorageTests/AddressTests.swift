import Foundation
import S3Storage
import Testing

@Suite struct S3AddressTests {
    @Test func parsesBucketPrefixEndpointAndRegion() throws {
        let address = try S3Address("s3://registry-blobs/berth/prod?endpoint=http://127.0.0.1:8333&region=eu-west-1")
        #expect(address.bucket == "registry-blobs")
        #expect(address.keyPrefix == "berth/prod/")
        #expect(address.endpoint.absoluteString == "http://127.0.0.1:8333")
        #expect(address.region == "eu-west-1")
    }

    @Test func defaultsToAWSAndNoPrefix() throws {
        let address = try S3Address("s3://registry-blobs")
        #expect(address.keyPrefix == "")
        #expect(address.region == "us-east-1")
        #expect(address.endpoint.absoluteString == "https://s3.us-east-1.amazonaws.com")
        #expect(try S3Address("s3://registry-blobs/p/?endpoint=https://minio.local/").keyPrefix == "p/")
    }

    @Test(arguments: [
        "s3://AKIA:secret@bucket?endpoint=http://x",
        "s3://bucket?endpoint=http://x&access_key=AKIA",
        "s3://bucket?endpoint=http://x&secret_key=abc",
        "s3://bucket?endpoint=http://user:pw@x",
        "s3://bucket?aws_session_token=abc",
    ])
    func refusesCredentials(text: String) {
        let error = #expect(throws: S3Address.Invalid.self) { try S3Address(text) }
        #expect(error?.description.contains("AWS_ACCESS_KEY_ID") == true)
        for secret in ["secret", "abc", "pw"] { #expect(error?.description.contains("=\(secret)") == false) }
        #expect(error?.description.contains(":secret@") == false)
    }

    @Test(arguments: [
        "http://bucket", "s3://", "s3://Bucket", "s3://b", "s3://bucket?endpoint=ftp://x", "s3://bucket?endpoint=http://x/path",
        "s3://bucket?colour=blue", "s3://bucket/a/../b", "s3://bucket:9000", "s3://bucket?region=us_east",
    ])
    func refusesMalformedAddresses(text: String) {
        #expect(throws: S3Address.Invalid.self) { try S3Address(text) }
    }
}
