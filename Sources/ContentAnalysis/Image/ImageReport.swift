/// What scanning every layer of an image found, layer by layer, bottom first.
public struct ImageReport: Sendable, Hashable, Codable {
    public var layers: [LayeredReport]

    public init(layers: [LayeredReport]) { self.layers = layers }
}

/// One layer's report, with where the layer sits in the image.
public struct LayeredReport: Sendable, Hashable, Codable {
    /// From 0, the bottom layer.
    public var index: Int
    public var digest: String
    public var mediaType: String
    public var report: LayerReport

    public init(index: Int, digest: String, mediaType: String, report: LayerReport) {
        self.index = index
        self.digest = digest
        self.mediaType = mediaType
        self.report = report
    }
}
