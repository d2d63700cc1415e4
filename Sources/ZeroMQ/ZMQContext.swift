import CZeroMQ

/// A libzmq context. Thread-safe by libzmq's own guarantee, so it may be shared freely.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    public init() throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        self.handle = handle
    }

    /// Makes every blocking call on this context's sockets return `ETERM`, in every thread,
    /// so that each socket's owner can leave its loop and close its socket.
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    deinit {
        // Terminating blocks until every socket is closed; owners close theirs on exit.
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}
