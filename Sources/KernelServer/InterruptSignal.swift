import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one interrupt flag of the process: set by SIGINT and by `interrupt_request` on the
/// control thread, read by the running cell, cleared when a new execution starts.
enum InterruptSignal {
    static let flag = Atomic<Bool>(false)

    static func raise() { flag.store(true, ordering: .releasing) }
    static func clear() { flag.store(false, ordering: .releasing) }
    static var isRaised: Bool { flag.load(ordering: .acquiring) }

    /// Routes SIGINT to the flag instead of killing the process (an atomic store is signal-safe).
    static func installHandler() {
        signal(SIGINT) { _ in InterruptSignal.raise() }
    }
}
