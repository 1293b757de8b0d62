import ArgumentParser
import Foundation
import Loading
import Simulation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic inventory of N resources as fixture files, for scale tests.",
        discussion: "The same --seed writes the same inventory. Files hold at most --per-file resources each."
    )

    @Option(help: "How many resources.")
    var resources: Int

    @Option(help: "The seed.")
    var seed: UInt64 = 1

    @Option(help: "How many accounts to spread them over.")
    var accounts: Int = 10

    @Option(help: "The share of misconfigured resources, in percent.")
    var violations: Int = 5

    @Option(help: "Resources per file.")
    var perFile: Int = 10_000

    @Option(help: "The directory to write to.")
    var output: String = "Fixtures/generated"

    func validate() throws {
        guard resources > 0, resources <= 100_000_000 else {
            throw ValidationError("--resources must be between 1 and 100000000")
        }
        guard (0...100).contains(violations) else { throw ValidationError("--violations is a percentage, 0 to 100") }
        guard accounts > 0 else { throw ValidationError("--accounts must be at least 1") }
    }

    func run() throws {
        let generator = InventoryGenerator(seed: seed, accountCount: accounts, violationPercent: violations)
        let progress = ProgressLine.current
        progress.start("generating resources")
        defer { progress.finish() }
        var written = 0
        let files = try FixtureWriter(directory: output, perFile: perFile).write { emit in
            try generator.generate(count: resources) { resource in
                try emit(resource)
                written += 1
                progress.update("generating resources", written, of: resources)
            }
        }
        progress.finish()
        Console.out("\(resources) resources written to \(files.count) file\(files.count == 1 ? "" : "s") in \(output)")
    }
}
