import Foundation
import ImageSignatures
import OCI
import TestSupport
import Testing

/// Whatever bytes a layer holds, the verifier answers with a check and a reason; it neither throws nor crashes.
@Suite struct HostileInputTests {
    static let mediaTypes: [(SignatureForm, String)] = [
        (.cosignTag, CosignCase.mediaType), (.sigstoreBundle, BundleCase.mediaType), (.notation, "application/jose+json"),
    ]

    func expectRefused(_ content: [UInt8], annotations: [String: String]? = nil, signers: [TrustedSigner],
                       sourceLocation: SourceLocation = #_sourceLocation) async {
        for (form, mediaType) in Self.mediaTypes {
            let check = await Fixtures.check(Fixtures.layer(content, mediaType: mediaType, annotations: annotations), form: form, signers: signers)
            #expect(check != nil && check?.valid == false && check?.reason.isEmpty == false, sourceLocation: sourceLocation)
        }
    }

    @Test func truncatedLayersAreRefused() async throws {
        let set = try Fixtures.signed.get()
        let signers = try Fixtures.signers(set)
        let valid = [set[CosignCase.request(KeyVariant(key: "p256"))], set[BundleCase.request(KeyVariant(key: "p256"))],
                     set[NotationCase.request(NotationCase.p256)]]
        for signed in valid {
            for length in stride(from: 0, to: signed.content.count, by: max(1, signed.content.count / 23)) {
                await expectRefused(Array(signed.content.prefix(length)), annotations: signed.signature.map { ["dev.cosignproject.cosign/signature": $0] },
                                    signers: signers)
            }
        }
    }

    @Test func hostileShapesAreRefused() async throws {
        let signers = try Fixtures.signers(try Fixtures.signed.get())
        let deep = Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        let deepObject = Array((String(repeating: "{\"a\":", count: 20_000) + "1" + String(repeating: "}", count: 20_000)).utf8)
        let shapes: [String] = [
            "", "null", "[]", "1", "\"x\"", "{}", "{\"critical\":1}", "{\"critical\":{\"type\":[],\"image\":\"x\"}}",
            "{\"dsseEnvelope\":{\"payload\":1,\"payloadType\":{},\"signatures\":\"x\"}}",
            "{\"dsseEnvelope\":{\"payload\":\"\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"\"}]}}",
            "{\"payload\":\"\",\"protected\":\"\",\"signature\":\"\",\"header\":{\"x5c\":[]}}",
            "{\"payload\":\"e30\",\"protected\":\"e30\",\"signature\":\"\",\"header\":{\"x5c\":[\"AAAA\"]}}",
            "{\"payload\":1,\"protected\":[],\"signature\":null,\"header\":\"x\"}",
        ]
        for shape in shapes { await expectRefused(Array(shape.utf8), annotations: ["dev.cosignproject.cosign/signature": "AAAA"], signers: signers) }
        await expectRefused(deep, signers: signers)
        await expectRefused(deepObject, signers: signers)
        await expectRefused([0xff, 0xfe, 0x00, 0x7b], signers: signers)
        await expectRefused(Array("{}".utf8), annotations: ["dev.cosignproject.cosign/signature": String(repeating: "QUFB", count: 500_000)], signers: signers)
    }

    @Test func oversizedLayerIsMalformed() async throws {
        let signers = try Fixtures.signers(try Fixtures.signed.get())
        let check = await Fixtures.check(Fixtures.layer(Array(repeating: 0x20, count: (1 << 20) + 1), mediaType: BundleCase.mediaType), form: .sigstoreBundle, signers: signers)
        #expect(check?.outcome == .malformed)
        #expect(check?.reason.contains("too large") == true)
    }

    @Test func layerWhoseBytesDoNotMatchItsDigestIsMalformed() async throws {
        let set = try Fixtures.signed.get()
        var layer = BundleCase.layer(set[BundleCase.request(KeyVariant(key: "p256"))].content)
        layer.descriptor.digest = Fixtures.otherImage
        #expect(await Fixtures.check(layer, form: .sigstoreBundle, signers: try Fixtures.signers(set))?.outcome == .malformed)
    }

    @Test func longCertificateChainIsMalformed() async throws {
        let set = try Fixtures.signed.get()
        let content = set[NotationCase.request(NotationCase.p256)].content
        var envelope = try #require(try JSONSerialization.jsonObject(with: Data(content)) as? [String: Any])
        var header = envelope["header"] as! [String: Any]
        header["x5c"] = Array(repeating: (header["x5c"] as! [String])[0], count: 17)
        envelope["header"] = header
        let check = await Fixtures.check(NotationCase.layer(Array(try JSONSerialization.data(withJSONObject: envelope))), form: .notation, signers: try Fixtures.signers(set))
        #expect(check?.outcome == .malformed)
        #expect(check?.reason.contains("more than 16") == true)
    }
}
