import Foundation
import OCI
import TestSupport
import Testing

@Suite struct ListingAndNameTests {
    struct TagList: Decodable {
        let name: String
        let tags: [String]
    }

    struct Catalog: Decodable { let repositories: [String] }

    @Test func tagsAreListedInLexicalOrderWithPagination() async throws {
        try await withRegistry { client in
            let (bytes, _) = try await client.pushImage("team/app", tag: "v1")
            for tag in ["b", "a", "V2", "c"] {
                let put = try await client.request(.PUT, "/v2/team/app/manifests/\(tag)", headers: [("Content-Type", MediaType.ociManifest)], body: bytes)
                #expect(put.status == 201)
            }
            let all = try await client.request(.GET, "/v2/team/app/tags/list")
            #expect(try all.json(TagList.self).tags == ["V2", "a", "b", "c", "v1"])
            #expect(try all.json(TagList.self).name == "team/app")
            let first = try await client.request(.GET, "/v2/team/app/tags/list?n=2")
            #expect(try first.json(TagList.self).tags == ["V2", "a"])
            #expect(first["Link"] == "</v2/team/app/tags/list?n=2&last=a>; rel=\"next\"")
            let second = try await client.request(.GET, "/v2/team/app/tags/list?n=2&last=a")
            #expect(try second.json(TagList.self).tags == ["b", "c"])
            let last = try await client.request(.GET, "/v2/team/app/tags/list?n=2&last=c")
            #expect(try last.json(TagList.self).tags == ["v1"])
            #expect(last["Link"] == nil)
            let zero = try await client.request(.GET, "/v2/team/app/tags/list?n=0")
            #expect(try zero.json(TagList.self).tags == [])
            let bad = try await client.request(.GET, "/v2/team/app/tags/list?n=-1")
            #expect(bad.status == 400)
            let unknown = try await client.request(.GET, "/v2/nobody/tags/list")
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "NAME_UNKNOWN")
        }
    }

    @Test func catalogPaginates() async throws {
        try await withRegistry { client in
            for name in ["c", "a", "b/x", "b"] { try await client.pushBlob(name, [1]) }
            #expect(try await client.request(.GET, "/v2/_catalog").json(Catalog.self).repositories == ["a", "b", "b/x", "c"])
            let page = try await client.request(.GET, "/v2/_catalog?n=2")
            #expect(try page.json(Catalog.self).repositories == ["a", "b"])
            #expect(page["Link"] == "</v2/_catalog?n=2&last=b>; rel=\"next\"")
            let next = try await client.request(.GET, "/v2/_catalog?n=2&last=b")
            #expect(try next.json(Catalog.self).repositories == ["b/x", "c"])
        }
    }

    @Test(arguments: [
        "UPPER/app", "team/../app", "team/./app", "team//app", "-team", "team-", "team__-x", "a%2Fb", "team/app%00",
        "a..b", String(repeating: "a", count: 256), "emoji\u{1F600}", "space%20name",
    ])
    func invalidRepositoryNamesAreRefused(name: String) async throws {
        try await withRegistry { client in
            let path = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.union(CharacterSet(charactersIn: "%"))) ?? name
            let response = try await client.request(.GET, "/v2/\(path)/tags/list")
            #expect(response.status == 400 || response.status == 404, "\(name): \(response.status)")
            #expect(response.status != 500)
            if response.status == 400 { #expect(response.errorCode == "NAME_INVALID") }
            let upload = try await client.request(.POST, "/v2/\(path)/blobs/uploads/")
            #expect(upload.status == 400 || upload.status == 404, "\(name): \(upload.status)")
        }
    }

    @Test func validUnusualNamesWork() async throws {
        try await withRegistry { client in
            for name in ["a", "a.b_c__d---e/f0", "0/1/2/3/4/5/6/7/8/9", "blobs/manifests", "x/blobs/uploads", String(repeating: "a", count: 255)] {
                let digest = try await client.pushBlob(name, [7])
                #expect(try await client.request(.GET, "/v2/\(name)/blobs/\(digest)").status == 200, "\(name)")
            }
        }
    }

    @Test func malformedRequestsNeverGetA500() async throws {
        try await withRegistry { client in
            let paths = [
                "/v2/r/manifests/", "/v2/r/manifests/%", "/v2/r/manifests/sha256:", "/v2/r/manifests/sha999:abc", "/v2/r/blobs/",
                "/v2/r/blobs/sha256:ABCDEF", "/v2/r/blobs/uploads/../../etc/passwd", "/v2/r/blobs/uploads/%2e%2e", "/v2//manifests/x",
                "/v2/_catalog?n=abc", "/v2/_catalog?n=99999999999999999999", "/v2/r/tags/list?n=1&last=%ff", "/v3/", "/", "/v2/r",
                "/v2/r/referrers/", "/v2/r/referrers/sha256:1", "/v2/r/blobs/uploads/?mount=garbage&from=..",
            ]
            for path in paths {
                for method in [HTTPMethodName.GET, .HEAD, .PUT, .DELETE, .POST, .PATCH] {
                    let response = try await client.request(method.nio, path, body: method == .GET || method == .HEAD ? nil : [1, 2])
                    #expect(response.status < 500, "\(method) \(path) answered \(response.status): \(response.text)")
                    if response.status >= 400, method != .HEAD {
                        #expect(response.errorCode != nil, "\(method) \(path) has no OCI error body")
                    }
                }
            }
        }
    }
}

enum HTTPMethodName {
    case GET, HEAD, PUT, DELETE, POST, PATCH
}

import NIOHTTP1
extension HTTPMethodName {
    var nio: HTTPMethod {
        switch self {
        case .GET: .GET
        case .HEAD: .HEAD
        case .PUT: .PUT
        case .DELETE: .DELETE
        case .POST: .POST
        case .PATCH: .PATCH
        }
    }
}
