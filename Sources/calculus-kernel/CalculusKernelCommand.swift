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
}
