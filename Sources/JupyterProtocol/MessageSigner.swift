@preconcurrency import Crypto

/// Signs and verifies Jupyter messages with HMAC-SHA256 over header, parent header, metadata and
/// content, as the messaging spec defines. An empty key means signing is off (the signature is "").
public struct MessageSigner: Sendable {
    private let key: SymmetricKey?

    public init(key: String) {
        self.key = key.isEmpty ? nil : SymmetricKey(data: Array(key.utf8))
    }

    public var isEnabled: Bool { key != nil }

    /// Lowercase hex HMAC of the four signed frames, in order.
    public func signature(of parts: [[UInt8]]) -> String {
        guard let key else { return "" }
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        return Self.hex(Array(hmac.finalize()))
    }

    /// Constant-time check of a received hex signature.
    public func verify(signature: [UInt8], parts: [[UInt8]]) -> Bool {
        guard let key else { return true }
        guard let received = Self.bytes(fromHex: signature) else { return false }
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        let expected = Array(hmac.finalize())
        guard received.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ received[index] }
        return difference == 0
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(fromHex hex: [UInt8]) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
