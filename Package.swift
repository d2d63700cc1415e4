// swift-tools-version:6.0
//
// calculus-kernel: a native Jupyter kernel for calculus notebooks.
//
// Targets follow the data flow, one way:
//   message in -> KernelServer -> CalculusKernel (Interpreter) -> CalculusSession
//   -> CalculusLanguage (syntax, numbers) -> result values -> Rendering -> mime bundle -> message out
import PackageDescription

let package = Package(
    name: "calculus-kernel",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "calculus-kernel", targets: ["calculus-kernel"]),
    ],
    dependencies: [
        // HMAC-SHA256 for Jupyter message signatures, with constant-time verification:
        // a well-reviewed implementation beats one written by hand.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // The command line (`kernel`, `install`, `eval`, `--version`): parsing, help and errors for free.
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // Transport: libzmq from Debian's libzmq3-dev, the reference ZeroMQ implementation that
        // every Jupyter client speaks to. This target only exposes its C API to Swift.
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        // GNU MPFR from Debian's libmpfr-dev: correctly rounded arithmetic, exp, log, trig and
        // hyperbolic functions at any precision, for the values double precision cannot vouch for
        // (a sum that cancels most of its digits). Multiprecision is not something to write by hand.
        .systemLibrary(
            name: "CMPFR",
            pkgConfig: "mpfr",
            providers: [.apt(["libmpfr-dev"])]
        ),
        // A small Swift layer over libzmq: context, sockets, multipart messages, polling.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        // The Jupyter wire protocol: connection files, messages, signing. Knows nothing of calculus.
        .target(
            name: "JupyterProtocol",
            dependencies: ["JSON", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // JSON documents as values, shared by the protocol and the renderers' machine-readable mimes.
        .target(name: "JSON"),
        // The kernel server: sockets, threads, busy/idle, history; talks to any `Interpreter`.
        .target(name: "KernelServer", dependencies: ["ZeroMQ", "JupyterProtocol", "Threads"]),
        // POSIX threads with chosen stack sizes: one owner per socket, deep stacks for deep expressions.
        .target(name: "Threads"),
        // The calculus language core: syntax, built-ins, printers, numeric evaluation, environment.
        .target(name: "CalculusLanguage", dependencies: ["Threads", "CMPFR"]),
        // Symbolic differentiation with recorded steps, and the simplifier that writes textbook answers.
        .target(name: "SymbolicEngine", dependencies: ["CalculusLanguage", "Threads"]),
        // Scalar autograd: a computation graph from an expression at the session's values, and backward.
        .target(name: "AutogradEngine", dependencies: ["CalculusLanguage"]),
        // A notebook session: runs cells statement by statement and returns result values.
        .target(name: "CalculusSession", dependencies: ["CalculusLanguage", "SymbolicEngine", "AutogradEngine"]),
        // Result values to mime bundles (plain text, LaTeX, Markdown, HTML, JSON).
        .target(name: "Rendering", dependencies: ["JSON", "CalculusLanguage", "SymbolicEngine", "AutogradEngine", "CalculusSession"]),
        // The seam: implements KernelServer's `Interpreter` with the calculus session and renderers.
        .target(
            name: "CalculusKernel",
            dependencies: ["KernelServer", "JupyterProtocol", "CalculusLanguage", "CalculusSession", "Rendering"]
        ),
        // The command line: `calculus-kernel kernel|install|eval`.
        .executableTarget(
            name: "calculus-kernel",
            dependencies: [
                "CalculusKernel", "CalculusLanguage", "KernelServer", "JupyterProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: []
        ),
        // The fuzz harness: one input through parse, evaluate, differentiate, autograd, render, JSON.
        .target(name: "CalculusFuzzing", dependencies: ["CalculusLanguage", "CalculusSession", "Rendering", "JSON", "Threads"]),
        // libFuzzer's target when built by scripts/fuzz.sh (-sanitize=fuzzer -DFUZZING); otherwise
        // a replayer of corpus files, so every input ever saved runs in the tests.
        .executableTarget(name: "calculus-fuzz", dependencies: ["CalculusFuzzing"]),
        // Speed figures for benchmarks/run.sh (not a test: speed goals are measured, not asserted).
        .executableTarget(
            name: "calculus-bench",
            dependencies: ["CalculusLanguage", "SymbolicEngine", "CalculusSession", "Rendering", "JSON", "Threads"],
            path: "benchmarks/swift"
        ),
        // Tests mirror Sources/: each module's tests are the test target named after it. What several
        // of them use (a session read back as plain text, seeded expression generation) is this one
        // module, which no product contains.
        .target(name: "CalculusTestSupport", dependencies: ["CalculusLanguage", "CalculusSession", "Rendering"]),
        .testTarget(name: "CalculusLanguageTests", dependencies: ["CalculusLanguage", "CalculusSession", "CalculusTestSupport"]),
        .testTarget(
            name: "SymbolicEngineTests",
            dependencies: ["CalculusLanguage", "SymbolicEngine", "CalculusSession", "Rendering", "Threads", "CalculusTestSupport"]
        ),
        .testTarget(
            name: "AutogradEngineTests",
            dependencies: ["AutogradEngine", "CalculusLanguage", "CalculusSession", "Rendering", "Threads", "CalculusTestSupport"]
        ),
        .testTarget(
            name: "CalculusSessionTests",
            dependencies: [
                "CalculusLanguage", "SymbolicEngine", "CalculusSession", "Rendering", "JSON", "Threads", "CalculusTestSupport",
            ]
        ),
        .testTarget(
            name: "RenderingTests",
            dependencies: ["CalculusLanguage", "CalculusSession", "Rendering", "JSON", "Threads"],
            exclude: ["Snapshots"]
        ),
        .testTarget(name: "CalculusKernelTests", dependencies: ["CalculusKernel", "JSON", "JupyterProtocol", "KernelServer"]),
        .testTarget(name: "CalculusFuzzingTests", dependencies: ["CalculusFuzzing"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "JupyterProtocolTests", dependencies: ["JSON", "JupyterProtocol"]),
        .testTarget(
            name: "KernelServerTests",
            // Starts the built `calculus-kernel` and speaks to it over ZeroMQ: depends on the
            // executable so that `swift test` builds it first.
            dependencies: ["JSON", "ZeroMQ", "JupyterProtocol", "KernelServer", "calculus-kernel"]
        ),
    ]
)
