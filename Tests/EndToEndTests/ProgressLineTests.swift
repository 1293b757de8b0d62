import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Long work shows a progress line on a terminal, redrawn in place and erased at the end; a pipe
/// (a CI log, a file) gets none of it, and the lines printed meanwhile are never cut by it.
struct ProgressLineTests {
    let cli = CommandLineTests()

    /// Runs remsim with standard error on a pseudo-terminal; returns standard output, what the
    /// terminal received, and the exit status.
    func runOnTerminal(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws
        -> (stdout: String, terminal: String, status: Int32)
    {
        let binary = try #require(CommandLineTests.binary, "the remsim binary is not built")
        var master: Int32 = -1
        var slave: Int32 = -1
        #expect(openpty(&master, &slave, nil, nil, nil) == 0)
        defer { close(master) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        try process.run()
        close(slave)
        // Read the terminal while the program runs, so that it never blocks on a full buffer.
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(master, &buffer, buffer.count)
            if n <= 0 { break }  // EIO once the program has closed its end
            received.append(contentsOf: buffer[0..<n])
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            String(decoding: stdout, as: UTF8.self), String(decoding: received, as: UTF8.self),
            process.terminationStatus
        )
    }

    @Test func aTerminalSeesProgressThatIsErasedAtTheEnd() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let generated = try runOnTerminal(["generate", "--resources", "3000", "--output", "gen"], in: dir)
        #expect(generated.status == 0)
        #expect(
            generated.terminal.contains("\r\u{1B}[2Kgenerating resources"), "\(generated.terminal.debugDescription)")
        #expect(generated.terminal.contains("generating resources 3000/3000"))
        #expect(generated.terminal.hasSuffix("\r\u{1B}[2K"), "the line is erased at the end")
        #expect(generated.stdout == "3000 resources written to 1 file in gen\n")

        // A run: loading and running scenarios; the PASS lines on standard output are whole.
        let ran = try runOnTerminal(["run", "--db", "t.sqlite"], in: dir)
        #expect(ran.status == 0)
        #expect(ran.terminal.contains("loading scenarios"))
        #expect(ran.terminal.contains("running scenarios"))
        #expect(ran.terminal.hasSuffix("\r\u{1B}[2K"))
        #expect(!ran.stdout.contains("\r") && !ran.stdout.contains("\u{1B}"))
        #expect(!ran.stdout.contains("loading") && !ran.stdout.contains("running scenarios"))
        #expect(ran.stdout.split(separator: "\n").first?.hasPrefix("PASS  ") == true)

        // An error after progress began: the message stands on a clean line, nothing after it.
        try TestSupport.write("version: 1\nname: b\n", to: "Scenarios/zz-bad.yaml", in: dir)
        let bad = try runOnTerminal(["validate"], in: dir)
        #expect(bad.status == 2)
        let lastMessage = try #require(bad.terminal.range(of: "error: ", options: .backwards))
        #expect(!bad.terminal[lastMessage.lowerBound...].contains("loading"), "\(bad.terminal.debugDescription)")
    }

    @Test func quietAndDumbTerminalsAndPipesGetNoProgress() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let quiet = try runOnTerminal(["run", "--db", "q.sqlite", "--quiet"], in: dir)
        #expect(quiet.status == 0 && !quiet.terminal.contains("\r"), "\(quiet.terminal.debugDescription)")
        let dumb = try runOnTerminal(
            ["generate", "--resources", "3000", "--output", "g"], in: dir, environment: ["TERM": "dumb"])
        #expect(dumb.status == 0 && dumb.terminal.isEmpty, "\(dumb.terminal.debugDescription)")
        let piped = try cli.run(["generate", "--resources", "3000", "--output", "p"], in: dir)
        #expect(piped.status == 0 && piped.stderr.isEmpty)
    }
}
