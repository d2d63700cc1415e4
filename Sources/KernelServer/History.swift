#if canImport(Glibc)
import Glibc
#endif
import JupyterProtocol

/// The inputs (and plain-text outputs) of this kernel session, for `history_request`.
/// Owned by the shell thread.
struct History {
    struct Entry {
        var line: Int
        var input: String
        var output: String?
    }

    /// This kernel's session number; earlier sessions are not kept.
    static let session = 1
    private(set) var entries: [Entry] = []

    mutating func record(line: Int, input: String) {
        entries.append(Entry(line: line, input: input))
    }

    mutating func recordOutput(line: Int, output: String) {
        if let index = entries.lastIndex(where: { $0.line == line }) { entries[index].output = output }
    }

    /// Answers a `history_request` content with the `history` list of the reply.
    func reply(to request: JSONValue) -> [JSONValue] {
        let withOutput = request["output"]?.boolValue ?? false
        let selected: [Entry]
        switch request["hist_access_type"]?.stringValue ?? "tail" {
        case "range":
            let session = request["session"]?.intValue ?? 0
            // 0 and negative offsets mean this session, as IPython defines; we keep no other.
            guard session <= 0 || session == Self.session else { return [] }
            let start = request["start"]?.intValue ?? 0
            let stop = request["stop"]?.intValue
            selected = entries.filter { $0.line >= start && (stop == nil || $0.line < stop!) }
        case "search":
            let pattern = request["pattern"]?.stringValue ?? "*"
            var matching = entries.filter { fnmatch(pattern, $0.input, 0) == 0 }
            if request["unique"]?.boolValue ?? false {
                var seen = Set<String>()
                matching = matching.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n = request["n"]?.intValue, n >= 0 { matching = Array(matching.suffix(n)) }
            selected = matching
        default:
            let n = request["n"]?.intValue ?? 10
            selected = Array(entries.suffix(max(0, n)))
        }
        return selected.map { entry in
            let item: JSONValue = withOutput
                ? .array([.string(entry.input), entry.output.map(JSONValue.string) ?? .null]) : .string(entry.input)
            return .array([.int(Self.session), .int(entry.line), item])
        }
    }
}
