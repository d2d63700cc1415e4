import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The protocol version this kernel speaks (jupyter_client 8's).
public let jupyterProtocolVersion = "5.4"

/// One Jupyter message. Header and parent header are kept as JSON objects so that a reply can
/// carry its request's header back byte for byte in meaning.
public struct Message: Sendable, Equatable {
    /// ZeroMQ routing identities (ROUTER) or the topic (iopub), before `<IDS|MSG>`.
    public var identities: [[UInt8]]
    public var header: JSONValue
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var content: JSONValue
    public var buffers: [[UInt8]]

    public init(
        identities: [[UInt8]] = [], header: JSONValue, parentHeader: JSONValue = [:], metadata: JSONValue = [:],
        content: JSONValue = [:], buffers: [[UInt8]] = []
    ) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    public var messageType: String { header["msg_type"]?.stringValue ?? "" }
    public var messageID: String { header["msg_id"]?.stringValue ?? "" }
    public var session: String { header["session"]?.stringValue ?? "" }

    /// A new header with a fresh UUID, the session id, the time now and the protocol version.
    public static func header(type: String, session: String, username: String = "kernel") -> JSONValue {
        [
            "msg_id": .string(UUID().uuidString.lowercased()),
            "session": .string(session),
            "username": .string(username),
            "date": .string(iso8601Now()),
            "msg_type": .string(type),
            "version": .string(jupyterProtocolVersion),
        ]
    }

    /// ISO 8601 UTC with microseconds and `Z`, as the spec asks: `2026-11-24T10:42:06.123456Z`.
    public static func iso8601Now() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1000), 6))Z"
    }
}

/// Turns messages into ZeroMQ frames and back:
/// `[identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]`.
public struct WireCodec: Sendable {
    public static let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)
    public let signer: MessageSigner
    /// When set, a message whose signature was seen before is refused (`ProtocolError.replayed`).
    public let replayGuard: ReplayGuard?

    public init(key: String, refusingReplays: Bool = false) {
        signer = MessageSigner(key: key)
        replayGuard = refusingReplays && signer.isEnabled ? ReplayGuard() : nil
    }

    public func encode(_ message: Message) -> [[UInt8]] {
        let parts = [
            message.header.serialized(), message.parentHeader.serialized(),
            message.metadata.serialized(), message.content.serialized(),
        ]
        return message.identities + [Self.delimiter, Array(signer.signature(of: parts).utf8)] + parts
            + message.buffers
    }

    /// Decodes and verifies a message. A bad signature throws `ProtocolError.badSignature`
    /// before any JSON is parsed.
    public func decode(_ frames: [[UInt8]]) throws -> Message {
        guard let delimiterIndex = frames.firstIndex(of: Self.delimiter) else {
            throw ProtocolError.malformed("no <IDS|MSG> delimiter")
        }
        let afterDelimiter = frames.count - delimiterIndex - 1
        guard afterDelimiter >= 5 else {
            throw ProtocolError.malformed("expected signature and four JSON frames, got \(afterDelimiter) frames")
        }
        let signature = frames[delimiterIndex + 1]
        let parts = Array(frames[(delimiterIndex + 2)..<(delimiterIndex + 6)])
        guard signer.verify(signature: signature, parts: parts) else { throw ProtocolError.badSignature }
        if let replayGuard, !replayGuard.admit(signature) { throw ProtocolError.replayed }
        func object(_ bytes: [UInt8], _ name: String) throws -> JSONValue {
            let value: JSONValue
            do { value = try JSONValue.parse(bytes) } catch { throw ProtocolError.malformed("\(name) is not JSON") }
            guard case .object = value else { throw ProtocolError.malformed("\(name) is not a JSON object") }
            return value
        }
        let header = try object(parts[0], "header")
        guard header["msg_type"]?.stringValue != nil, header["msg_id"]?.stringValue != nil else {
            throw ProtocolError.malformed("header lacks msg_type or msg_id")
        }
        return Message(
            identities: Array(frames[..<delimiterIndex]),
            header: header,
            parentHeader: try object(parts[1], "parent_header"),
            metadata: try object(parts[2], "metadata"),
            content: try object(parts[3], "content"),
            buffers: Array(frames[(delimiterIndex + 6)...])
        )
    }
}
