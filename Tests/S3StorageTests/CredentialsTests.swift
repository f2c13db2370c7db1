import Foundation
import S3Storage
import TestSupport
import Testing

@Suite struct S3CredentialsTests {
    @Test func descriptionNeverShowsTheSecret() {
        let credentials = S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "very-secret", sessionToken: "token-secret")
        #expect(credentials.description.contains("AKIDEXAMPLE"))
        #expect(!credentials.description.contains("very-secret"))
        #expect(!credentials.description.contains("token-secret"))
    }

    @Test func readsTheEnvironment() throws {
        let credentials = try S3Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_SESSION_TOKEN": ""])
        #expect(credentials.accessKeyID == "AKID" && credentials.secretAccessKey == "s3cr3t" && credentials.sessionToken == nil)
        #expect(throws: S3Credentials.MissingCredentials.self) { try S3Credentials.fromEnvironment(["AWS_ACCESS_KEY_ID": "AKID"]) }
    }

    @Test func readsAKeyValueFile() async throws {
        try await withTemporaryDirectory { folder in
            let file = folder.appendingPathComponent("s3-credentials")
            try "# berth's bucket\naccess_key_id = AKID\nsecret_access_key=a=b/c+d\n\nsession_token=tok\n".write(to: file, atomically: true, encoding: .utf8)
            let credentials = try S3Credentials.fromFile(file.path)
            #expect(credentials.accessKeyID == "AKID" && credentials.secretAccessKey == "a=b/c+d" && credentials.sessionToken == "tok")

            try "access_key_id=AKID\nthe-secret-itself\n".write(to: file, atomically: true, encoding: .utf8)
            let error = #expect(throws: S3Credentials.MissingCredentials.self) { try S3Credentials.fromFile(file.path) }
            #expect(error?.description.contains("line 2") == true)
            #expect(error?.description.contains("the-secret-itself") == false)
        }
    }
}
