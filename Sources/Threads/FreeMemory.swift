#if canImport(Glibc)
import Glibc
#endif

/// Gives the pages that the allocator holds free back to the system. glibc keeps memory freed by
/// a big statement (a 40th derivative frees hundreds of megabytes of small nodes) mapped for reuse,
/// so an idle kernel would look as large as its largest statement ever was. Costs well under a
/// millisecond on a small heap; call it when idle, not per allocation.
public enum FreeMemory {
    #if canImport(Glibc)
    /// glibc's `malloc_trim`, looked up at run time: it is declared in <malloc.h>, which the Glibc
    /// module does not export.
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let trim: Trim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: Trim.self) }
    #endif

    public static func returnToSystem() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}
