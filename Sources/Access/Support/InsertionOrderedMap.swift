/// A dictionary that also remembers the order in which keys were last written, so the
/// oldest entry can be evicted in amortised O(1).
///
/// The credential cache and the login throttle both need a hard memory bound that an
/// attacker cannot turn into a slow path: scanning 100,000 entries on every insert would be
/// one. Writes append a (key, stamp) record to a queue; records whose stamp no longer
/// matches the stored entry are stale and skipped when popping, and the queue is rebuilt
/// once stale records outnumber live ones.
struct InsertionOrderedMap<Key: Hashable, Value> {
    private var storage: [Key: (value: Value, stamp: UInt64)] = [:]
    private var order: [(key: Key, stamp: UInt64)] = []
    private var head = 0
    private var nextStamp: UInt64 = 0

    var count: Int { storage.count }

    subscript(key: Key) -> Value? { storage[key]?.value }

    /// Inserts or replaces the value; either way the key becomes the newest.
    mutating func set(_ value: Value, for key: Key) {
        let stamp = nextStamp
        nextStamp &+= 1
        storage[key] = (value, stamp)
        order.append((key, stamp))
        compactIfNeeded()
    }

    @discardableResult
    mutating func removeValue(forKey key: Key) -> Value? {
        storage.removeValue(forKey: key)?.value
    }

    /// Removes and returns the entry written longest ago.
    mutating func popOldest() -> (key: Key, value: Value)? {
        while head < order.count {
            let record = order[head]
            head += 1
            if let entry = storage[record.key], entry.stamp == record.stamp {
                storage.removeValue(forKey: record.key)
                compactIfNeeded()
                return (record.key, entry.value)
            }
        }
        return nil
    }

    mutating func removeAll(where shouldRemove: (Value) -> Bool) {
        storage = storage.filter { !shouldRemove($0.value.value) }
        compactIfNeeded()
    }

    mutating func removeAll() {
        storage.removeAll()
        order.removeAll()
        head = 0
    }

    private mutating func compactIfNeeded() {
        let pending = order.count - head
        if pending > 2 * storage.count + 1024 {
            // Mostly stale records (keys rewritten or removed): rebuild from the live entries.
            order = storage.map { ($0.key, $0.value.stamp) }.sorted { $0.stamp < $1.stamp }
            head = 0
        } else if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
