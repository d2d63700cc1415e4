#if canImport(Glibc)
import Glibc
#endif

/// Kernel diagnostics go to stderr, where Jupyter shows a kernel's log. Never log the key.
enum Log {
    static func warning(_ message: String) { write("warning", message) }

    private static func write(_ level: String, _ message: String) {
        let line = "[calculus-kernel] \(level): \(message)\n"
        var bytes = Array(line.utf8)
        _ = Glibc.write(2, &bytes, bytes.count)
    }
}
