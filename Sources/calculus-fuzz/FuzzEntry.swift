import CalculusFuzzing
import Foundation

/// One input, the way libFuzzer calls a target.
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = FuzzHarness.run(input)
    return 0
}

#if FUZZING
/// libFuzzer's driver, for a program that has its own `main` (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif

/// Built by scripts/fuzz.sh (-sanitize=fuzzer -DFUZZING): the libFuzzer program, taking libFuzzer's
/// arguments. Built plainly: runs the given files (or every file in the given folders) through the
/// harness, to replay the corpus and every crash found so far.
@main
struct FuzzEntry {
    static func main() throws {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { fuzzOneInput($0, $1) })
        #else
        try replay(CommandLine.arguments.dropFirst())
        #endif
    }

    /// Replays files and folders of inputs. With `--transcript`, prints every output's text too,
    /// so that two builds can be compared input by input (`diff` the two transcripts).
    static func replay(_ arguments: ArraySlice<String>) throws {
        let keepingTranscript = arguments.contains("--transcript")
        var files: [URL] = []
        for argument in arguments where argument != "--transcript" {
            let url = URL(fileURLWithPath: argument)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("calculus-fuzz: no such file: \(argument)\n".utf8))
                exit(2)
            }
            if isFolder.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
                files += names.filter { !$0.hasPrefix(".") }.map { url.appendingPathComponent($0) }
            } else {
                files.append(url)
            }
        }
        var results = 0
        var errors = 0
        for file in files {
            let outcome = FuzzHarness.run(Array(try Data(contentsOf: file)), keepingTranscript: keepingTranscript)
            if keepingTranscript { print("== \(file.lastPathComponent)\n" + outcome.transcript.joined(separator: "\n")) }
            results += outcome.results
            errors += outcome.errors.count
        }
        print("replayed \(files.count) inputs: \(results) results, \(errors) errors, no crash")
    }
}
