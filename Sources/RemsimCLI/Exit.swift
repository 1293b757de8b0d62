import ArgumentParser
import Foundation
import Loading
import RemsimKit
import Replay
import Reports
import RunStore
import Simulation

/// The exit codes every command shares, and the one place an error becomes a message on
/// standard error and an exit code. Commands throw what went wrong; `Remsim.main` asks here.
enum Exit {
    static let assertionFailed = ExitCode(1)
    static let badInput = ExitCode(2)
    static let databaseError = ExitCode(3)
    /// Stopped by SIGINT or SIGTERM, as a shell reports a program Ctrl-C ended.
    static let interrupted = ExitCode(130)

    /// The lines to print and the exit code for an error a command threw; nil for errors that
    /// are not remsim's own (ArgumentParser's, and an `ExitCode` a command chose itself).
    static func outcome(of error: any Error) -> (messages: [String], code: ExitCode)? {
        switch error {
        case let e as LoadError: ([displayed(e).description], badInput)
        case let e as LoadErrors: (e.errors.map { displayed($0).description }, badInput)
        case let e as PolicyReference.Problem: ([e.message], badInput)
        case let e as RunStoreError: databaseOutcome(e)
        case let e as SuiteError:
            switch e {
            case .database(let inner): databaseOutcome(inner)
            case .preflightMissed: ([e.description], badInput)
            }
        case let e as ReplayEndpoint.Problem: (["\(e)"], badInput)
        case let e as MergeProblems: (e.problems.map(\.description), badInput)
        case let e as SimulationError: (["\(e)"], badInput)
        case let e as BadInput: ([e.message], badInput)
        // A file or folder remsim was told to write cannot be: said as the system says it.
        case let e as CocoaError: ([fileProblem(e)], badInput)
        default: nil
        }
    }

    /// In GitHub Actions, the files that could not be loaded become annotations at their line.
    static func annotations(of error: any Error) -> [GitHubAnnotation] {
        let problems: [LoadError]
        switch error {
        case let e as LoadError: problems = [e]
        case let e as LoadErrors: problems = e.errors
        default: return []
        }
        return problems.map(displayed).map { e in
            GitHubAnnotation(
                .error, file: e.file, line: e.line, column: e.column, title: "remsim: invalid file",
                message: e.keyPath.isEmpty ? e.message : "\(e.keyPath): \(e.message)")
        }
    }

    /// `PATH: reason`, for a file the system would not read or write.
    static func fileProblem(_ error: CocoaError) -> String {
        let reason = (error as NSError).localizedDescription
        guard let path = error.filePath ?? error.url?.path else { return reason }
        return "\(path): \(reason)"
    }

    static func databaseOutcome(_ error: RunStoreError) -> (messages: [String], code: ExitCode) {
        if case .noSuchRun = error { return ([error.description], badInput) }
        return ([error.description], databaseError)
    }

    /// A file named as the user gave it, relative to where they stand.
    static func displayed(_ error: LoadError) -> LoadError {
        var e = error
        e.file = InputFiles.display(e.file)
        return e
    }
}

/// Input a command refuses for its own reason (a value that cannot be used, a file that cannot
/// be written): exit 2 with the message.
struct BadInput: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Shard databases that cannot be merged, every reason at once.
struct MergeProblems: Error {
    let problems: [MergeProblem]
    init(_ problems: [MergeProblem]) { self.problems = problems }
}
