import JupyterProtocol

/// The seam between the kernel server and a language, modelled on xeus's `xinterpreter`:
/// the server owns sockets, threads, signing, busy/idle, execution counts and history; the
/// language implements only these requests. Methods are called on the shell thread, one at a time,
/// except `kernelInfo`, which must be immutable (the control thread reads it too).
public protocol Interpreter: AnyObject {
    var kernelInfo: KernelInfo { get }
    /// Runs a cell. Outputs go out through `request.publish` as they happen.
    func execute(_ request: ExecutionRequest) throws(ExecutionError)
    /// Completion at a cursor (a count of Unicode code points, as protocol 5.2 defines).
    func complete(code: String, cursorPosition: Int) -> Completion
    /// Documentation for the name at the cursor, or nil when there is none.
    func inspect(code: String, cursorPosition: Int, detailLevel: Int) -> MimeBundle?
    func isComplete(code: String) -> Completeness
    /// One of `user_expressions`: evaluated silently after a successful execution.
    func evaluate(expression: String) throws(ExecutionError) -> MimeBundle
    /// A `comm_msg` (or, with `closing`, a `comm_close`) from the front end on a comm the interpreter
    /// opened; what it sends back goes out through `publish` (as `.commMessage`).
    func receiveComm(id: String, data: JSONValue, closing: Bool, publish: (ExecutionOutput) -> Void)
    /// The comms open now, by id, with their target names (for `comm_info_request`).
    var openComms: [String: String] { get }
}

extension Interpreter {
    public func receiveComm(id: String, data: JSONValue, closing: Bool, publish: (ExecutionOutput) -> Void) {}
    public var openComms: [String: String] { [:] }
}

public struct KernelInfo: Sendable {
    public var implementation: String
    public var implementationVersion: String
    public var languageInfo: JSONValue
    public var banner: String
    public var helpLinks: [(text: String, url: String)]

    public init(
        implementation: String, implementationVersion: String, languageInfo: JSONValue, banner: String,
        helpLinks: [(text: String, url: String)]
    ) {
        self.implementation = implementation
        self.implementationVersion = implementationVersion
        self.languageInfo = languageInfo
        self.banner = banner
        self.helpLinks = helpLinks
    }
}

/// A mime bundle: `{"text/plain": …, "text/latex": …}` and its metadata.
public struct MimeBundle: Sendable, Equatable {
    public var data: [String: JSONValue]
    public var metadata: [String: JSONValue]

    public init(data: [String: JSONValue], metadata: [String: JSONValue] = [:]) {
        self.data = data
        self.metadata = metadata
    }

    public var plainText: String? { data["text/plain"]?.stringValue }
}

public enum ExecutionOutput: Sendable, Equatable {
    case stream(name: String, text: String)
    case displayData(MimeBundle)
    case executeResult(MimeBundle)
    /// A comm the kernel opens (a widget model: `target` is `jupyter.widget`), on iopub.
    case commOpen(id: String, target: String, data: JSONValue, metadata: JSONValue)
    /// A message the kernel sends on a comm it opened.
    case commMessage(id: String, data: JSONValue)
}

public struct ExecutionRequest {
    public var code: String
    public var executionCount: Int
    public var silent: Bool
    /// True once the user asked to interrupt (SIGINT or `interrupt_request`): stop soon.
    public var isInterrupted: @Sendable () -> Bool
    public var publish: (ExecutionOutput) -> Void

    public init(
        code: String, executionCount: Int, silent: Bool = false, isInterrupted: @escaping @Sendable () -> Bool = { false },
        publish: @escaping (ExecutionOutput) -> Void
    ) {
        self.code = code
        self.executionCount = executionCount
        self.silent = silent
        self.isInterrupted = isInterrupted
        self.publish = publish
    }
}

/// A failed execution, as the `error` message and error reply carry it.
public struct ExecutionError: Error, Sendable, Equatable {
    public var name: String
    public var value: String
    public var traceback: [String]

    public init(name: String, value: String, traceback: [String]) {
        self.name = name
        self.value = value
        self.traceback = traceback
    }
}

public struct Completion: Sendable, Equatable {
    public var matches: [String]
    public var cursorStart: Int
    public var cursorEnd: Int

    public init(matches: [String], cursorStart: Int, cursorEnd: Int) {
        self.matches = matches
        self.cursorStart = cursorStart
        self.cursorEnd = cursorEnd
    }
}

public enum Completeness: Sendable, Equatable {
    case complete
    case incomplete(indent: String)
    case invalid
}
