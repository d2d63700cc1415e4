import CZeroMQ
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The socket kinds a Jupyter kernel and its clients use.
public enum ZMQSocketKind: Sendable {
    case router, dealer, publisher, extendedPublisher, subscriber, reply, request, push, pull, pair

    var rawValue: Int32 {
        switch self {
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .publisher: ZMQ_PUB
        case .extendedPublisher: ZMQ_XPUB
        case .subscriber: ZMQ_SUB
        case .reply: ZMQ_REP
        case .request: ZMQ_REQ
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        case .pair: ZMQ_PAIR
        }
    }
}

/// One libzmq socket. libzmq sockets are not thread-safe: each one has a single owning thread,
/// which is the only one that calls into it. It is `@unchecked Sendable` only so that it can be
/// handed to that owner once. The socket is closed on deinit.
public final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    public let kind: ZMQSocketKind
    private var isClosed = false

    public init(context: ZMQContext, kind: ZMQSocketKind) throws {
        guard let handle = zmq_socket(context.handle, kind.rawValue) else {
            throw ZMQError.last("zmq_socket")
        }
        self.handle = handle
        self.kind = kind
        // Never block process exit on unsent messages.
        try setOption(ZMQ_LINGER, Int32(0))
    }

    deinit { close() }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }

    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("bind \(endpoint)") }
    }

    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("connect \(endpoint)") }
    }

    public func setOption(_ option: Int32, _ value: Int32) throws {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError.last("setsockopt \(option)")
        }
    }

    public func setOption(_ option: Int32, _ value: Int64) throws {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError.last("setsockopt \(option)")
        }
    }

    public func setOption(_ option: Int32, bytes: [UInt8]) throws {
        let result = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard result == 0 else { throw ZMQError.last("setsockopt \(option)") }
    }

    /// Subscribes a SUB socket to messages starting with `prefix` ("" for all).
    public func subscribe(_ prefix: String = "") throws {
        try setOption(ZMQ_SUBSCRIBE, bytes: Array(prefix.utf8))
    }

    /// The endpoint the socket last bound to, with the port the system chose for `tcp://ip:*`.
    public func lastEndpoint() throws -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else {
            throw ZMQError.last("getsockopt ZMQ_LAST_ENDPOINT")
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends all frames as one multipart message.
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws {
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            if dontWait { flags |= ZMQ_DONTWAIT }
            while true {
                let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if sent >= 0 { break }
                let error = ZMQError.last("zmq_send")
                if error.isInterruptedCall { continue }
                throw error
            }
        }
    }

    /// Receives one multipart message, blocking unless `dontWait`; nil when `dontWait` finds none.
    public func receive(dontWait: Bool = false) throws -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        while true {
            let received = zmq_msg_recv(&message, handle, dontWait && frames.isEmpty ? ZMQ_DONTWAIT : 0)
            if received < 0 {
                let error = ZMQError.last("zmq_msg_recv")
                if error.isInterruptedCall { continue }
                if error.isWouldBlock && frames.isEmpty { return nil }
                throw error
            }
            let size = zmq_msg_size(&message)
            if size == 0 {
                frames.append([])
            } else {
                let data = zmq_msg_data(&message)!.assumingMemoryBound(to: UInt8.self)
                frames.append(Array(UnsafeBufferPointer(start: data, count: size)))
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Waits until one of `sockets` can be read, or `timeoutMilliseconds` pass (-1: forever).
    /// Returns the indices of the readable sockets.
    public static func pollReadable(_ sockets: [ZMQSocket], timeoutMilliseconds: Int) throws -> [Int] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        while true {
            let count = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
            if count < 0 {
                let error = ZMQError.last("zmq_poll")
                if error.isInterruptedCall { continue }
                throw error
            }
            return items.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }
        }
    }
}
