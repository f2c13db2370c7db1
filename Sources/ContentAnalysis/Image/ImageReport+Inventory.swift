extension ImageReport {
    /// The installed software of the image's final filesystem; nil when a layer was read without inventories.
    public var inventory: ImageInventory? { ImageInventory(layers: layers) }
}
