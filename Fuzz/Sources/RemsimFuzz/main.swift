import Foundation

// remsim-fuzz TARGET [libFuzzer options and corpus directories]
//
// libFuzzer's driver is called directly, so the first argument can choose the target.

typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzCallback
) -> Int32

nonisolated(unsafe) var selected: FuzzTarget = .scenario

var arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
    FileHandle.standardError.write(
        Data(
            ("usage: remsim-fuzz TARGET [libFuzzer options] [corpus…]\ntargets: "
                + "\(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n").utf8))
    exit(2)
}
selected = target
arguments.remove(at: 1)
_ = FuzzTarget.workspace

var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
var argc = Int32(arguments.count)
let status = cArguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
        selected.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
        return 0
    }
}
exit(status)
