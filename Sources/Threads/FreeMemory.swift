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
    /// glibc's `mallopt`, from <malloc.h> as well.
    private typealias Option = @convention(c) (Int32, Int32) -> Int32
    private static let option: Option? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")
        .map { unsafeBitCast($0, to: Option.self) }
    #endif

    /// Keeps freed memory mapped while a statement runs, for `returnToSystem` to give back when idle.
    /// By default glibc serves every block over 128 KB with its own mapping and gives the top of a
    /// thread's heap back as soon as it is free, so each statement that builds a graph or an array
    /// of that size paid for fresh zeroed pages again (a fifth of an MLP backward was page faults).
    public static func keepFreedPagesUntilIdle() {
        #if canImport(Glibc)
        let (trimThreshold, mmapThreshold): (Int32, Int32) = (-1, -3)  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = option?(mmapThreshold, 32 << 20)  // glibc's largest: bigger blocks always get their own mapping
        _ = option?(trimThreshold, 256 << 20)
        #endif
    }

    public static func returnToSystem() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}
