import ArgumentParser
import CalculusKernel

@main
struct CalculusKernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calculus-kernel",
        abstract: "A Jupyter kernel for calculus: derivatives with steps, and backpropagation you can watch.",
        version: CalculusInterpreter.version,
        subcommands: [KernelCommand.self, InstallCommand.self, EvalCommand.self, RunCommand.self]
    )

    /// Jupyter launches `calculus-kernel kernel -f FILE` for every kernel: that exact form skips the
    /// argument parser's reflection, which touches megabytes of type metadata (measured: RSS).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.count == 3, arguments[0] == "kernel", arguments[1] == "-f" {
            do {
                try KernelCommand.serve(connectionFile: arguments[2])
                return
            } catch {
                exit(withError: error)
            }
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
