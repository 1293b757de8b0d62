import Foundation

/// The Python AWS CLI's driver, loaded once in a Python process of its own: each call is a JSON
/// list of arguments on a line of its standard input, and its answer a JSON line with the exit
/// status and what the call wrote. Each call gets a fresh `CLIDriver` and session, as a new
/// `aws` process would; only botocore's loader (the service models parsed from disk) is shared.
/// The process ignores SIGINT, so that Ctrl-C lets the call under way finish, and ends when its
/// standard input closes (with the last `AWSCLI` that uses it).
final class AWSCLIDriver: @unchecked Sendable {
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private var buffer = Data()
    private let lock = NSLock()
    /// Set once the driver stopped answering: every later call fails at once.
    private var stopped = false
    var processIdentifier: Int32 { process.processIdentifier }

    static let script = """
        import io, json, os, signal, sys
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if os.environ.get('LC_CTYPE', '') == 'UTF-8':
            os.environ['LC_CTYPE'] = 'en_US.UTF-8'
        import awscli.clidriver
        answers = sys.stdout
        loader = None
        for line in sys.stdin:
            arguments = json.loads(line)
            out, err = io.StringIO(), io.StringIO()
            sys.stdout, sys.stderr = out, err
            try:
                driver = awscli.clidriver.create_clidriver()
                if loader is None:
                    loader = driver.session.get_component('data_loader')
                else:
                    driver.session.register_component('data_loader', loader)
                status = driver.main(arguments)
            except SystemExit as e:
                status = e.code if isinstance(e.code, int) else 1
            except BaseException as e:
                err.write(repr(e))
                status = 255
            finally:
                sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            answers.write(json.dumps({'status': status, 'stdout': out.getvalue(), 'stderr': err.getvalue()}) + '\\n')
            answers.flush()
        """

    /// Where an `AWSCLI` keeps its driver: started by the first call that needs it, at most once.
    final class Slot: @unchecked Sendable {
        // @unchecked: `started` and `value` are read and written under `lock`.
        private let lock = NSLock()
        private var started = false
        private var value: AWSCLIDriver?

        func driver(_ start: () -> AWSCLIDriver?) -> AWSCLIDriver? {
            lock.withLock {
                if !started {
                    started = true
                    value = start()
                }
                return value
            }
        }
    }

    private init(process: Process, input: FileHandle, output: FileHandle) {
        self.process = process
        self.input = input
        self.output = output
    }

    deinit {
        try? input.close()
        process.waitUntilExit()
    }

    /// The driver of `program` when it is the Python CLI (a script whose interpreter line names
    /// Python and which runs `awscli.clidriver`, directly or behind a pyenv shim); nil for
    /// anything else, or when it cannot start.
    static func start(program: String, environment: [String: String]) -> AWSCLIDriver? {
        guard var path = resolve(program, path: environment["PATH"] ?? "") else { return nil }
        var head = firstBytes(of: path)
        // A pyenv shim runs `pyenv exec`: the script it stands for is what `pyenv which` names.
        if head.contains("pyenv\" exec"),
            let real = pyenvWhich((path as NSString).lastPathComponent, environment: environment)
        {
            path = real
            head = firstBytes(of: path)
        }
        guard head.hasPrefix("#!"), head.contains("awscli.clidriver"),
            let line = head.split(separator: "\n").first
        else { return nil }
        let interpreter = line.dropFirst(2).split(separator: " ").map(String.init)
        guard let python = interpreter.first, python.contains("python") || interpreter.last?.contains("python") == true
        else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = Array(interpreter.dropFirst()) + ["-c", script]
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        // A driver that died must make a call fail, not end remsim: a write to its closed input
        // then fails with EPIPE instead of raising SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        do { try process.run() } catch { return nil }
        return AWSCLIDriver(process: process, input: input.fileHandleForWriting, output: output.fileHandleForReading)
    }

    private static func firstBytes(of path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        return String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
    }

    /// The file pyenv runs for `program`, or nil.
    private static func pyenvWhich(_ program: String, environment: [String: String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pyenv", "which", program]
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }

    /// `program` as the shell would find it.
    static func resolve(_ program: String, path: String) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(program)") {
            return "\(dir)/\(program)"
        }
        return nil
    }

    private struct Answer: Decodable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// One call: its exit status, standard output and standard error.
    func run(_ arguments: [String]) -> (Int32, Data, Data) {
        lock.lock()
        defer { lock.unlock() }
        let gone = Data(
            "the AWS CLI's driver (Python process \(process.processIdentifier)) stopped; see its error output above"
                .utf8)
        guard !stopped else { return (-1, Data(), gone) }
        do {
            var request = try JSONEncoder().encode(arguments)
            request.append(0x0A)
            try input.write(contentsOf: request)
            guard let line = readLine() else {
                stopped = true
                return (-1, Data(), gone)
            }
            let answer = try JSONDecoder().decode(Answer.self, from: line)
            return (answer.status, Data(answer.stdout.utf8), Data(answer.stderr.utf8))
        } catch {
            stopped = true
            return (-1, Data(), Data("the AWS CLI's driver failed: \(error)".utf8))
        }
    }

    private func readLine() -> Data? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return Data(line)
            }
            let more = output.availableData
            if more.isEmpty { return nil }
            buffer.append(more)
        }
    }
}
