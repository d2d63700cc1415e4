import ArgumentParser
import Foundation
import JupyterProtocol

/// `calculus-kernel install`: writes the kernelspec (kernel.json and logos) where Jupyter looks.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the Calculus kernelspec so that `jupyter kernelspec list` shows it.")

    @Flag(help: "Install for this user (~/.local/share/jupyter/kernels).")
    var user = false

    @Flag(help: "Install into the active virtual environment ($VIRTUAL_ENV/share/jupyter/kernels).")
    var sysPrefix = false

    @Option(help: "Install under DIR/share/jupyter/kernels.")
    var prefix: String?

    @Option(help: "The kernelspec's name (the folder, and what `--kernel` selects).")
    var name = "calculus"

    @Option(help: "Where the logo files are (defaults to the repository's kernelspec/ folder).")
    var kernelspecSource: String?

    func validate() throws {
        if [user, sysPrefix, prefix != nil].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --user, --sys-prefix and --prefix")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw ValidationError("a kernel name may hold only letters, digits, '.', '_' and '-'")
        }
    }

    func run() throws {
        let root: URL
        if let prefix {
            root = URL(fileURLWithPath: prefix).appendingPathComponent("share/jupyter/kernels")
        } else if sysPrefix {
            guard let environment = ProcessInfo.processInfo.environment["VIRTUAL_ENV"] else {
                throw ValidationError("--sys-prefix needs an active virtual environment (VIRTUAL_ENV is not set)")
            }
            root = URL(fileURLWithPath: environment).appendingPathComponent("share/jupyter/kernels")
        } else {
            let data = ProcessInfo.processInfo.environment["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
            root = data.appendingPathComponent("jupyter/kernels")
        }
        let destination = root.appendingPathComponent(name)
        let files = FileManager.default
        try files.createDirectory(at: destination, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // Whoever can write a kernelspec chooses what runs as the kernel: never world-writable,
        // whatever the umask or the mode of a folder left by an earlier install.
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: destination.path)

        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.resolvingSymlinksInPath().path
        let resolvedExecutable = executable.hasPrefix("/") ? executable
            : URL(fileURLWithPath: files.currentDirectoryPath).appendingPathComponent(executable).standardizedFileURL.path
        let spec: JSONValue = [
            "argv": [.string(resolvedExecutable), "kernel", "-f", "{connection_file}"],
            "display_name": "Calculus",
            "language": "calculus",
            "interrupt_mode": "message",
            "metadata": ["debugger": false],
        ]
        let specFile = destination.appendingPathComponent("kernel.json")
        try Data((spec.prettySerialized() + "\n").utf8).write(to: specFile)
        try files.setAttributes([.posixPermissions: 0o644], ofItemAtPath: specFile.path)

        var copied: [String] = []
        if let source = logoSource(near: resolvedExecutable) {
            for logo in ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"] {
                let from = source.appendingPathComponent(logo)
                let to = destination.appendingPathComponent(logo)
                guard files.fileExists(atPath: from.path) else { continue }
                try? files.removeItem(at: to)
                try files.copyItem(at: from, to: to)
                try files.setAttributes([.posixPermissions: 0o644], ofItemAtPath: to.path)
                copied.append(logo)
            }
        }
        print("Installed kernelspec \(name) in \(destination.path)")
        if copied.isEmpty { print("(no logos found: pass --kernelspec-source DIR to include them)") }
    }

    /// The kernelspec/ folder: given, or found by walking up from the executable (the repository's).
    private func logoSource(near executable: String) -> URL? {
        if let kernelspecSource { return URL(fileURLWithPath: kernelspecSource) }
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent("kernelspec")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("logo-svg.svg").path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
