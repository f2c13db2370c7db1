/// Where a layer blob's bytes come from: read once, front to back, never seeked, never held whole.
public protocol LayerSource {
    /// Fills the start of `buffer` and returns how many bytes it wrote: 0 at the end of the blob.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
