import Foundation
import Testing
@testable import Access

@Suite struct ChallengeTests {
    @Test func bearerChallengeExactStrings() throws {
        let plain = BearerChallenge(realm: "https://reg.example/token", service: "reg.example")
        #expect(plain.headerValue == #"Bearer realm="https://reg.example/token",service="reg.example""#)

        let scoped = BearerChallenge(
            realm: "https://reg.example/token", service: "reg.example",
            scopes: [try Scope.parse("repository:team/app:push,pull")])
        #expect(scoped.headerValue == #"Bearer realm="https://reg.example/token",service="reg.example",scope="repository:team/app:pull,push""#)

        let insufficient = BearerChallenge(
            realm: "https://reg.example/token", service: "reg.example",
            scopes: [try Scope.parse("repository:a:pull"), try Scope.parse("repository:b:pull,push")],
            error: .insufficientScope)
        #expect(insufficient.headerValue == #"Bearer realm="https://reg.example/token",service="reg.example",scope="repository:a:pull repository:b:pull,push",error="insufficient_scope""#)

        let invalid = BearerChallenge(realm: "r", service: "s", error: .invalidToken)
        #expect(invalid.headerValue == #"Bearer realm="r",service="s",error="invalid_token""#)
    }

    @Test func quotingEscapesAndStripsControls() {
        let challenge = BearerChallenge(realm: "https://x/\"tok\\en\"", service: "a\r\nSet-Cookie: evil=1")
        #expect(challenge.headerValue == #"Bearer realm="https://x/\"tok\\en\"",service="aSet-Cookie: evil=1""#)
        #expect(!challenge.headerValue.contains("\n"))
        #expect(BasicChallenge(realm: "Berth \"registry\"").headerValue == #"Basic realm="Berth \"registry\"""#)
        #expect(BasicChallenge(realm: "berth").headerValue == #"Basic realm="berth""#)
    }
}

@Suite struct AuthorizationHeaderTests {
    func basic(_ raw: String) -> String { "Basic " + Data(raw.utf8).base64EncodedString() }

    @Test func basicGoodCases() throws {
        let simple = try #require(BasicCredentials.parse(authorizationHeader: basic("alice:secret")))
        #expect(simple.name == "alice" && simple.password == "secret")
        // Split at the first colon: the password keeps the rest.
        let colons = try #require(BasicCredentials.parse(authorizationHeader: basic("alice:pa:ss:")))
        #expect(colons.name == "alice" && colons.password == "pa:ss:")
        // Scheme in any case, extra whitespace around.
        let lower = try #require(BasicCredentials.parse(authorizationHeader: "  basic " + Data("bob:pw".utf8).base64EncodedString() + " "))
        #expect(lower.name == "bob")
        #expect(BasicCredentials.parse(authorizationHeader: "BASIC " + Data("bob:pw".utf8).base64EncodedString())?.name == "bob")
        // Empty password parses (verification refuses it).
        let empty = try #require(BasicCredentials.parse(authorizationHeader: basic("alice:")))
        #expect(empty.password == "")
        // UTF-8 names and passwords.
        let unicode = try #require(BasicCredentials.parse(authorizationHeader: basic("zoë:pässwörd")))
        #expect(unicode.name == "zoë" && unicode.password == "pässwörd")
        // Missing padding is tolerated.
        let unpadded = "Basic " + Data("ab:c".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(BasicCredentials.parse(authorizationHeader: unpadded)?.password == "c")
    }

    @Test func basicBadCases() {
        let bad = [
            basic("alice"),                         // no colon
            basic(":secret"),                       // empty name
            "Basic",                                // no credentials
            "Basic ",                               // empty credentials
            "Basic !!!notbase64!!!",
            "Basic YWxpY2U6c2VjcmV0 extra",          // two tokens
            "Bearer " + Data("alice:secret".utf8).base64EncodedString(),
            "Basicx " + Data("alice:secret".utf8).base64EncodedString(),
            "Basic " + Data([0x61, 0x3A, 0xFF, 0xFE]).base64EncodedString(), // not UTF-8
            basic("ali\u{0}ce:pw"),                 // control characters
            basic("alice:p\nw"),
            "Basic " + String(repeating: "QUFB", count: 2000),               // too long
            "",
        ]
        for header in bad {
            #expect(BasicCredentials.parse(authorizationHeader: header) == nil, "accepted \(header.prefix(60))")
        }
    }

    @Test func basicCredentialsDoNotPrintThePassword() {
        let credentials = BasicCredentials(name: "alice", password: "hunter2")
        #expect("\(credentials)".contains("<redacted>"))
        #expect(!"\(credentials)".contains("hunter2"))
        #expect(!String(reflecting: credentials).contains("hunter2"))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }

    @Test func bearer() {
        #expect(BearerToken.parse(authorizationHeader: "Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(BearerToken.parse(authorizationHeader: "bearer abc-_~+/=") == "abc-_~+/=")
        #expect(BearerToken.parse(authorizationHeader: "BEARER  x ") == "x")
        #expect(BearerToken.parse(authorizationHeader: "Bearer") == nil)
        #expect(BearerToken.parse(authorizationHeader: "Bearer ") == nil)
        #expect(BearerToken.parse(authorizationHeader: "Bearer a b") == nil)
        #expect(BearerToken.parse(authorizationHeader: "Bearer a\"b") == nil)
        #expect(BearerToken.parse(authorizationHeader: "Bearer ===") == nil)
        #expect(BearerToken.parse(authorizationHeader: "Basic abc") == nil)
        #expect(BearerToken.parse(authorizationHeader: "Bearer " + String(repeating: "a", count: 20_000)) == nil)
    }
}

@Suite struct UnreadableAuthorizationTests {
    @Test func theReasonNamesWhatWasWrongWithTheScheme() {
        #expect(Authenticator.unreadableReason("Basic !!!") == "malformed Basic credentials; expected the base64 of name:password")
        #expect(Authenticator.unreadableReason("basic") == "malformed Basic credentials; expected the base64 of name:password")
        #expect(Authenticator.unreadableReason("Bearer") == "malformed Bearer header; expected one token after the scheme")
        #expect(Authenticator.unreadableReason("BEARER a b") == "malformed Bearer header; expected one token after the scheme")
        #expect(Authenticator.unreadableReason("Negotiate xyz") == "unsupported Authorization scheme; use Basic or Bearer")
        #expect(Authenticator.unreadableReason("Basicx abc") == "unsupported Authorization scheme; use Basic or Bearer")
    }
}
