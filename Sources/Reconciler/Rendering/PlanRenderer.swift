import Declarations
import Foundation

/// The three renderings of a plan. None of them shows a sensitive value: the
/// fields of a plan never hold one (see ``FieldChange``). The JSON rendering
/// is the saved form and so carries, in each change's `after` object, what
/// apply writes — including password hashes, exactly as they are in git.
public enum PlanRenderer {
    /// Terraform-style text:
    ///
    /// ```
    /// Berth plan, computed 2026-06-01T12:00:00Z
    ///   source:  commit 3f2a1bc, ref refs/heads/main
    ///   live:    sha256:…
    ///   desired: sha256:…
    ///
    /// Berth will perform the following actions:
    ///
    ///   # Repository "payments/api" will be updated in place
    ///   ~ Repository "payments/api" {
    ///       ~ retention.keepLast = 10 -> 20
    ///     }
    ///
    /// Plan: 0 to create, 1 to update, 0 to delete.
    /// ```
    ///
    /// `color` adds ANSI colours (green `+`, yellow `~`, red `-`, bold red
    /// for destructive changes).
    public static func text(_ plan: Plan, color: Bool = false) -> String {
        TextRenderer(color: color).render(plan)
    }

    /// The saved form (``Plan/encoded()``) as text: stable, pretty-printed
    /// JSON with sorted keys, specified in `spec/plan.md`.
    public static func json(_ plan: Plan) -> String {
        String(decoding: plan.encoded(), as: UTF8.self)
    }

    /// Markdown for a pull request comment: a summary table, a warning that
    /// lists destructive changes, one section per change, and the effective
    /// policy of every touched repository declaration, computed from
    /// `desired` (the state the plan leads to). At most `maxChanges` changes
    /// and `maxPolicies` policies are shown in full; the rest are counted.
    public static func markdown(_ plan: Plan, desired: DesiredState, maxChanges: Int = 100,
                                maxPolicies: Int = 30) -> String {
        MarkdownRenderer(desired: desired, maxChanges: maxChanges, maxPolicies: maxPolicies).render(plan)
    }
}
