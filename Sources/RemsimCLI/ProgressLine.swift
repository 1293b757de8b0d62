import Foundation
import Loading
import RemsimKit
import Synchronization

/// One line on standard error that shows how far long work has come (`loading scenarios 12/81`),
/// redrawn in place at most ten times a second. Shown only when standard error is a terminal that
/// can erase a line (not `TERM=dumb`), and never under `--quiet`: a pipe, a file or a CI log gets
/// none of it. Lines that commands print meanwhile go above it (`Console` erases it first).
final class ProgressLine: @unchecked Sendable {
    // @unchecked: `text`, `lastDraw` and `shown` are only touched while holding `lock`.
    private let lock = NSLock()
    private var text = ""
    private var lastDraw: ContinuousClock.Instant?
    private var shown = false
    private static let interval = Duration.milliseconds(100)

    /// The line being shown, if any: `Console` erases it before writing and draws it again after.
    static let current = ProgressLine()

    /// Whether progress is shown at all on this process's standard error.
    static func enabled(quiet: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        !quiet && isatty(STDERR_FILENO) == 1 && environment["TERM"] != "dumb"
    }

    private var isEnabled = false

    /// Starts showing progress (when `enabled`); `finish()` erases it.
    func start(_ text: String, quiet: Bool = false) {
        lock.withLock {
            isEnabled = Self.enabled(quiet: quiet)
            self.text = text
            lastDraw = nil
        }
        update(text, force: true)
    }

    /// `label done/total`, e.g. `running scenarios 12/81: ssh-opened-to-world-is-closed`.
    func update(_ label: String, _ done: Int, of total: Int, _ detail: String = "") {
        update("\(label) \(done)/\(total)" + (detail.isEmpty ? "" : ": \(detail)"), force: done == total)
    }

    func update(_ text: String, force: Bool = false) {
        lock.withLock {
            guard isEnabled else { return }
            self.text = text
            let now = ContinuousClock.now
            if !force, let last = lastDraw, now - last < Self.interval { return }
            lastDraw = now
            draw()
        }
    }

    /// Erases the line for good.
    func finish() {
        lock.withLock {
            erase()
            isEnabled = false
        }
    }

    /// Runs `write` with the line erased, then draws it again: for lines printed meanwhile.
    func around(_ write: () -> Void) {
        lock.withLock {
            let wasShown = shown
            erase()
            write()
            if wasShown { draw() }
        }
    }

    private func draw() {
        // Cut to the terminal's width would need its size; 100 columns fits any usual one.
        let line = text.count > 100 ? String(text.prefix(99)) + "…" : text
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
        shown = true
    }

    private func erase() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        shown = false
    }
}

extension ScenarioSuite {
    /// Loads the suite as `load(_:confinement:)` does, showing which file is being read.
    static func loadShowingProgress(
        _ paths: [String], confinement: PathConfinement, cache: FixtureCache?, quiet: Bool = false
    ) throws(LoadErrors) -> ScenarioSuite {
        let progress = ProgressLine.current
        progress.start("loading scenarios", quiet: quiet)
        let suite = try load(paths, confinement: confinement, fixtureCache: cache) { done, total, file in
            progress.update("loading scenarios", done, of: total, file)
        }
        KeptUntilExit.keep(suite)
        return suite
    }
}

/// What a command loaded, kept until the process exits: freeing a million resources one by one
/// just before the operating system takes back the whole process was a tenth of loading them.
enum KeptUntilExit {
    private static let kept = Mutex<[any Sendable]>([])

    static func keep(_ value: any Sendable) { kept.withLock { $0.append(value) } }
}
