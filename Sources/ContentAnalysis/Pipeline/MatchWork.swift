/// One step of the matching thread's work, in file order: a file begins, some of its bytes (in the batch that carries
/// the step), the file ends. A file that begins and never ends (the scan stopped inside it) reports nothing.
enum MatchWork: Sendable {
    case begin(path: String)
    /// Bytes of the current file at `range` of the batch's buffer; `more` says whether the file may go on after them.
    case bytes(range: Range<Int>, more: Bool)
    case end
}
