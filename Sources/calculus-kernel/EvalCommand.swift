import ArgumentParser
import CalculusKernel
import Foundation
import KernelServer
import Threads

#if canImport(Glibc)
import Glibc
#endif

/// `calculus-kernel eval 'CODE'`: runs one cell with no Jupyter at all and prints its plain text.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Run a cell and print its plain-text results (exit status 1 on error).")

    @Argument(help: "The cell's code; '-' reads it from standard input.")
    var code: String

    @Option(help: "Print this member of each result's mime bundle instead of text/plain (e.g. image/svg+xml, text/html).")
    var mime: String = "text/plain"

    func run() throws {
        let source = code == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : code
        let failed = OSThread.runWithLargeStack { () -> Bool in
            let interpreter = CalculusInterpreter()
            let request = ExecutionRequest(code: source, executionCount: 1) { output in
                switch output {
                case .stream(_, let text): Self.write(text, to: 1)
                case .displayData(let bundle), .executeResult(let bundle):
                    let member = bundle.data[mime].map { $0.stringValue ?? $0.prettySerialized() } ?? bundle.plainText ?? ""
                    Self.write(member + "\n", to: 1)
                case .commOpen, .commMessage:
                    break  // Widgets need a front end; the display bundle carries the rendering.
                }
            }
            do {
                try interpreter.execute(request)
                return false
            } catch let error as ExecutionError {
                let colored = isatty(2) != 0
                let lines = colored ? error.traceback : error.traceback.map(Self.strippingColor)
                Self.write(lines.joined(separator: "\n") + "\n", to: 2)
                return true
            } catch {
                return true
            }
        }
        if failed { throw ExitCode(1) }
    }

    static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    static func strippingColor(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}
