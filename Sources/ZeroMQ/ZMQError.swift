import CZeroMQ

/// A libzmq failure, carrying the errno libzmq reported and its message.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let operation: String

    /// Reads `zmq_errno()` right after a failed call.
    public static func last(_ operation: String) -> ZMQError {
        ZMQError(code: zmq_errno(), operation: operation)
    }

    public var message: String { String(cString: zmq_strerror(code)) }
    public var description: String { "\(operation): \(message) (errno \(code))" }

    /// The context was shut down: blocking calls end with this, and owners exit their loops.
    public var isContextTerminated: Bool { code == ETERM }
    /// A non-blocking call found nothing to do.
    public var isWouldBlock: Bool { code == EAGAIN }
    /// A signal arrived during a blocking call; retry it.
    public var isInterruptedCall: Bool { code == EINTR }
}
