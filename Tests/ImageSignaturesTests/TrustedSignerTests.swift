import Foundation
import ImageSignatures
import OCI
import TestSupport
import Testing

@Suite struct TrustedSignerTests {
    @Test func fingerprintsMatchOpenssl() throws {
        let set = try Fixtures.signed.get()
        let signer = try TrustedSigner(name: "release", publicKeys: Fixtures.keyKinds.map { set.keys[$0]! }, certificates: [])
        #expect(signer.keyFingerprints == Fixtures.keyKinds.map { set.opensslFingerprints[$0]! })
        #expect(keyFingerprint(spki: set.keys["p256"]!) == set.opensslFingerprints["p256"])
    }

    @Test(arguments: [("rsa1024", "1024 bits"), ("p521", "P-521"), ("secp256k1", "secp256k1")])
    func unsupportedKeysAreRefusedWithTheirKind(name: String, named: String) throws {
        let set = try Fixtures.signed.get()
        let error = #expect(throws: SignerKeyError.self) {
            try TrustedSigner(name: "s", publicKeys: [set.keys["p256"]!, set.keys[name]!], certificates: [])
        }
        #expect(error?.field == .publicKeys)
        #expect(error?.index == 1)
        #expect(error?.reason.contains(named) == true, "\(error?.reason ?? "")")
    }

    @Test func undecodableKeyIsRefused() {
        let error = #expect(throws: SignerKeyError.self) { try TrustedSigner(name: "s", publicKeys: [[0x30, 0x03, 0x02, 0x01]], certificates: []) }
        #expect(error?.reason.contains("SubjectPublicKeyInfo") == true)
    }

    @Test func leafOrGarbageCertificateIsRefused() throws {
        let set = try Fixtures.signed.get()
        let x5c = try #require(try JSONSerialization.jsonObject(with: Data(set[NotationCase.request(NotationCase.p256)].content)) as? [String: Any])
        let leaf = Base64Data.decode(((x5c["header"] as! [String: Any])["x5c"] as! [String])[0])
        let notCA = #expect(throws: SignerKeyError.self) { try TrustedSigner(name: "s", publicKeys: [], certificates: [set.trustedRoot, leaf]) }
        #expect(notCA?.field == .certificates && notCA?.index == 1)
        #expect(notCA?.reason.contains("not a CA") == true)
        let garbage = #expect(throws: SignerKeyError.self) { try TrustedSigner(name: "s", publicKeys: [], certificates: [[1, 2, 3]]) }
        #expect(garbage?.index == 0)
    }
}

@Suite struct SignatureFormTests {
    @Test func formsFromArtifactTypeConfigAndTag() {
        #expect(SignatureForm.of(artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json", configMediaType: nil, taggedAsCosignSignature: false) == .cosignReferrer)
        #expect(SignatureForm.of(artifactType: nil, configMediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", taggedAsCosignSignature: false) == .sigstoreBundle)
        #expect(SignatureForm.of(artifactType: "application/vnd.cncf.notary.signature", configMediaType: "application/vnd.oci.empty.v1+json", taggedAsCosignSignature: false) == .notation)
        #expect(SignatureForm.of(artifactType: nil, configMediaType: "application/vnd.oci.image.config.v1+json", taggedAsCosignSignature: true) == .cosignTag)
        #expect(SignatureForm.of(artifactType: nil, configMediaType: "application/vnd.oci.image.config.v1+json", taggedAsCosignSignature: false) == nil)
        #expect(SignatureForm.of(artifactType: "application/spdx+json", configMediaType: nil, taggedAsCosignSignature: false) == nil)
    }

    @Test func signatureLayersFilterByMediaType() {
        let types = ["application/vnd.dev.cosign.simplesigning.v1+json", "application/vnd.dev.sigstore.bundle.v0.3+json", "application/jose+json",
                     "application/cose", "application/vnd.oci.image.layer.v1.tar"]
        let layers = types.map { Descriptor(mediaType: $0, digest: Digest.compute(Array($0.utf8)), size: 1) }
        #expect(SignatureForm.cosignTag.signatureLayers(layers).map(\.mediaType) == [types[0]])
        #expect(SignatureForm.cosignReferrer.signatureLayers(layers).map(\.mediaType) == [types[0]])
        #expect(SignatureForm.sigstoreBundle.signatureLayers(layers).map(\.mediaType) == [types[1]])
        #expect(SignatureForm.notation.signatureLayers(layers).map(\.mediaType) == [types[2], types[3]])
    }
}
