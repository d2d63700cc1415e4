import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A POSIX thread with a chosen stack size. Used where a socket needs one owning thread
/// (kernel server) and where deep expressions need a deep stack (language evaluation).
public final class OSThread: @unchecked Sendable {
    fileprivate var thread = pthread_t()
    private let body: () -> Void

    /// The stack size for threads that parse, evaluate or print expressions:
    /// the language's nesting limit is documented against it.
    public static let largeStackSize = 1 << 30

    /// Starts `body` on a new thread with `stackSize` bytes of stack (pages are committed only as used).
    public init(stackSize: Int = 8 << 20, _ body: @escaping () -> Void) {
        self.body = body
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&thread, &attributes, { raw in
            let me = Unmanaged<OSThread>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            return nil
        }, context)
        precondition(result == 0, "pthread_create failed: \(result)")
    }

    /// Waits for the thread to finish.
    public func join() {
        pthread_join(thread, nil)
    }

    /// Runs `body` on a fresh thread with a large stack and returns its result: the way to call
    /// deeply recursive code from a thread whose stack is small (test runners, async tasks).
    public static func runWithLargeStack<T>(_ body: @escaping () -> T) -> T {
        let box = ResultBox<T>()
        let thread = OSThread(stackSize: largeStackSize) { box.value = body() }
        thread.join()
        return box.value!
    }

    public static func runWithLargeStack<T>(_ body: @escaping () throws -> T) throws -> T {
        let result: Result<T, Error> = runWithLargeStack { Result { try body() } }
        return try result.get()
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

extension OSThread {
    /// Frees `value` on a thread of its own: letting go of a tree of millions of nodes takes a
    /// tenth of a second or more, which an interrupted statement must not make its user wait for.
    /// The thread has the large stack because releasing a deep tree recurses as deep as the tree.
    public static func releaseInBackground<T>(_ value: consuming T) {
        let box = ReleaseBox(value)
        backgroundReleases.add(1, ordering: .sequentiallyConsistent)
        let thread = OSThread(stackSize: largeStackSize) {
            box.value = nil
            FreeMemory.returnToSystem()
            backgroundReleases.subtract(1, ordering: .sequentiallyConsistent)
        }
        pthread_detach(thread.thread)
    }

    /// Waits until every value handed to `releaseInBackground` is freed: for a caller that must
    /// see all memory back (the fuzz harness, whose leak check runs after each input).
    public static func waitForBackgroundReleases() {
        while backgroundReleases.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
    }
}

private let backgroundReleases = Atomic<Int>(0)

private final class ReleaseBox<T>: @unchecked Sendable {
    var value: T?
    init(_ value: consuming T) { self.value = value }
}
