import Foundation
import ImageSignatures

/// The valid signatures that count toward a requirement: by Signers it lists, one count per Signer.
struct CountedSignatures: Sendable {
    /// Distinct required Signers with at least one valid signature, in the requirement's order.
    let signers: [String]
    /// Per counted Signer, when its last valid signature stops holding (nil: never).
    let expiries: [String: Date?]

    /// When the release stops holding: the moment fewer than `minimum` Signers still have a valid signature.
    func releasedUntil(minimum: Int) -> Date? {
        let ends = signers.map { expiries[$0] ?? nil }
        // Latest first, with "never" above any date: the release holds until the minimum-th Signer's end.
        let ordered = ends.sorted { lhs, rhs in
            switch (lhs, rhs) {
            case (nil, _): return rhs != nil
            case (_, nil): return false
            case (let l?, let r?): return l > r
            }
        }
        return ordered.indices.contains(minimum - 1) ? ordered[minimum - 1] : nil
    }
}

extension SigningRequirement {
    func count(_ checks: [SignatureCheck]) -> CountedSignatures {
        var expiries: [String: Date?] = [:]
        for check in checks where check.valid {
            guard let signer = check.signer, signers.contains(signer) else { continue }
            switch (expiries[signer], check.validUntil) {
            case (nil, let until): expiries[signer] = .some(until)
            case (.some(.some(let known)), .some(let until)): expiries[signer] = .some(max(known, until))
            case (.some(.some), nil): expiries[signer] = .some(nil)
            case (.some(.none), _): break
            }
        }
        return CountedSignatures(signers: signers.filter { expiries[$0] != nil }, expiries: expiries)
    }

    /// What a quarantined manifest lacks: `needs signatures by 1 of [a, b]; found 1 signature by an undeclared key`.
    func missing(_ checks: [SignatureCheck], counted: CountedSignatures, unusable: [String: String]) -> String {
        var found: [String] = []
        if !counted.signers.isEmpty {
            found.append("valid signatures by \(counted.signers.joined(separator: ", ")) (\(minimum - counted.signers.count) more Signer\(minimum - counted.signers.count == 1 ? "" : "s") needed)")
        }
        let uncounted = checks.filter { check in !(check.valid && check.signer.map(signers.contains) == true) }
        var byKind: [(String, Int)] = []
        for check in uncounted {
            let kind = Self.phrase(for: check)
            if let index = byKind.firstIndex(where: { $0.0 == kind }) { byKind[index].1 += 1 } else { byKind.append((kind, 1)) }
        }
        for (kind, count) in byKind { found.append("\(count) signature\(count == 1 ? "" : "s") \(kind)") }
        var text = "needs signatures by \(summary); found " + (found.isEmpty ? "none" : found.joined(separator: ", "))
        let broken = signers.filter { unusable[$0] != nil }
        if !broken.isEmpty { text += "; the keys of \(broken.joined(separator: ", ")) cannot be used" }
        return text
    }

    static func phrase(for check: SignatureCheck) -> String {
        switch check.outcome {
        case .valid: "by \(check.signer ?? "a Signer"), which this tier does not require"
        case .badSignature: "with a bad signature"
        case .unverified: "matching no declared key (an undeclared key, or a bad signature)"
        case .undeclaredKey: "by an undeclared key"
        case .wrongDigest: "for another digest"
        case .replayed: "replayed from another image"
        case .expiredCertificate: "with an expired certificate"
        case .notASignature: "of another kind (an attestation, not a signature)"
        case .malformed: "in a form that cannot be read"
        }
    }
}
