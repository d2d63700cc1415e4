/// Numbers by name, for lookups on hot paths (an environment's binding slots, which a graph build
/// reads for every name it meets). Swift's `Dictionary` hashes a `String` with seeded SipHash on
/// every lookup and insert, which was a third of building an MLP's graph. Names here are short and
/// come from the user's own cells (names that collide on purpose could only slow down their own
/// statement, which stays interruptible), so FNV-1a over the UTF-8 bytes, with open addressing in a
/// table kept under half full, does: one cheap hash per name.
public struct NameTable: Sendable {
    /// Names in the order they came, with their numbers; `slots` holds an index into them, or -1.
    private var names: [String] = []
    private var ids: [Int32] = []
    /// Empty until the first name comes: every environment has a table, and most (those made for a
    /// single evaluation) never bind a name.
    private var slots: [Int32] = []
    private var mask = 0

    public init(minimumCapacity: Int = 0) {
        guard minimumCapacity > 0 else { return }
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        slots = Array(repeating: -1, count: capacity)
        mask = capacity - 1
        names.reserveCapacity(minimumCapacity)
        ids.reserveCapacity(minimumCapacity)
    }

    /// FNV-1a over the UTF-8 bytes of a plain ASCII name. Swift's `==` on strings is Unicode
    /// canonical equivalence, so a name with other characters takes Swift's own (canonical) hash;
    /// so does an ASCII name with a `K`, the one letter a non-ASCII one equals (the Kelvin sign).
    private static func hash(_ name: String) -> Int {
        var name = name
        // Over contiguous bytes (a short name's are copied to the stack): stepping `utf8`'s
        // iterator byte by byte cost twice as much.
        let fnv: UInt64? = name.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                if byte >= 0x80 || byte == UInt8(ascii: "K") { return nil }
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            return hash
        }
        guard var hash = fnv else { return name.hashValue }
        // Low bits of a product depend only on low bits of its factors: mix the high ones down.
        hash = (hash ^ (hash >> 33)) &* 0xff51_afd7_ed55_8ccd
        return Int(truncatingIfNeeded: hash ^ (hash >> 33))
    }

    /// The slot that holds `name`, or the empty slot where it would go.
    private func slot(of name: String) -> Int {
        var index = Self.hash(name) & mask
        while slots[index] >= 0, names[Int(slots[index])] != name { index = (index + 1) & mask }
        return index
    }

    public subscript(name: String) -> Int? {
        get {
            if slots.isEmpty { return nil }
            let entry = slots[slot(of: name)]
            return entry < 0 ? nil : Int(ids[Int(entry)])
        }
        set {
            guard let newValue else { preconditionFailure("names are never removed") }
            if slots.isEmpty { self = NameTable(minimumCapacity: 1) }
            let index = slot(of: name)
            if slots[index] >= 0 {
                ids[Int(slots[index])] = Int32(newValue)
                return
            }
            slots[index] = Int32(names.count)
            names.append(name)
            ids.append(Int32(newValue))
            if names.count * 2 > slots.count { grow() }
        }
    }

    private mutating func grow() {
        let entries = zip(names, ids)
        var larger = NameTable(minimumCapacity: slots.count)
        for (name, id) in entries { larger[name] = Int(id) }
        self = larger
    }
}
