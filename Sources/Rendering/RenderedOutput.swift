import JSON

/// A rendered result: mime type to content (`text/plain` → a string, `…+json` → a JSON object).
public struct RenderedOutput: Sendable, Equatable {
    public var data: [String: JSONValue]

    public init(data: [String: JSONValue]) {
        self.data = data
    }

    public var plainText: String { data["text/plain"]?.stringValue ?? "" }
}

/// A rendered error: the `ename`, the one-line `evalue` and the traceback lines front ends show.
public struct RenderedError: Sendable, Equatable {
    public var name: String
    public var value: String
    public var traceback: [String]
}

public enum MimeType {
    public static let plain = "text/plain"
    public static let latex = "text/latex"
    public static let markdown = "text/markdown"
    public static let html = "text/html"
    public static let svg = "image/svg+xml"
    public static let value = "application/vnd.calculus.value+json"
    public static let derivative = "application/vnd.calculus.derivative+json"
    public static let gradient = "application/vnd.calculus.gradient+json"
    public static let plot = "application/vnd.calculus.plot+json"
    public static let chain = "application/vnd.calculus.chain+json"
    public static let tangent = "application/vnd.calculus.tangent+json"
    public static let taylor = "application/vnd.calculus.taylor+json"
    public static let implicit = "application/vnd.calculus.implicit+json"
    public static let matrix = "application/vnd.calculus.matrix+json"
    public static let explore = "application/vnd.calculus.explore+json"
}
