import Synchronization

/// Refuses a message whose signature was already seen, as ipykernel's session does: someone who
/// captured a signed request cannot make the kernel run it again. Shared by the shell and control
/// threads. Remembers the last `capacity` signatures (a signature is a SHA-256 HMAC of the header,
/// whose msg_id and date are fresh per message, so an honest client never repeats one).
///
/// Each signature is remembered by its first 64 bits, in memory reserved up front: the kernel's
/// memory stays flat however many requests it serves. Two different honest signatures share their
/// first 64 bits with odds of about capacity / 2⁶⁴ (4 · 10⁻¹⁵), and forging one takes the key.
public final class ReplayGuard: Sendable {
    public static let defaultCapacity = 65_536

    private struct Memory {
        var seen: Set<UInt64>
        /// A ring of what `seen` holds, oldest at `oldest` once full.
        var order: [UInt64]
        var count = 0
        var oldest = 0
    }

    private let memory: Mutex<Memory>
    private let capacity: Int

    public init(capacity: Int = ReplayGuard.defaultCapacity) {
        self.capacity = capacity
        memory = Mutex(Memory(seen: Set(minimumCapacity: capacity), order: Array(repeating: 0, count: capacity)))
    }

    /// The first 64 bits of a hex signature (either case), or nil when it is not 64 hex digits.
    static func prefix(ofHex hex: [UInt8]) -> UInt64? {
        guard hex.count == 64, let bytes = MessageSigner.bytes(fromHex: hex) else { return nil }
        return bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// True the first time a (verified, hex) signature is seen; false for a replay or for something
    /// that is not a SHA-256 signature at all.
    public func admit(_ signature: [UInt8]) -> Bool {
        guard let key = Self.prefix(ofHex: signature) else { return false }
        return memory.withLock { memory in
            guard memory.seen.insert(key).inserted else { return false }
            if memory.count < capacity {
                memory.order[memory.count] = key
                memory.count += 1
            } else {
                // Full: forget the oldest signature to remember this one.
                memory.seen.remove(memory.order[memory.oldest])
                memory.order[memory.oldest] = key
                memory.oldest = (memory.oldest + 1) % capacity
            }
            return true
        }
    }
}
