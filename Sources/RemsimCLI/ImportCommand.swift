import ArgumentParser
import Foundation
import Loading

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn exports of a real estate into fixture files.",
        discussion: """
            aws-describe reads the JSON of `aws ec2 describe-security-groups`, `describe-instances`, \
            `describe-vpcs`, `describe-flow-logs` and `aws cloudtrail describe-trails`. What it does not \
            model is counted and reported. The fixtures are written to --output, replacing files of the \
            same name.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case awsDescribe = "aws-describe"
    }

    @Argument(help: "The format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format

    @Argument(help: "Export files.")
    var files: [String]

    @Option(help: "The region of the exported resources, where the export does not say.")
    var region: String?

    @Option(help: "The account id, where the export does not say (and overriding it where it does).")
    var account: String?

    @Option(help: "The directory to write fixtures to.")
    var output: String = "Fixtures/imported"

    func run() throws {
        let result: AWSDescribeImporter.Result
        do {
            result = try AWSDescribeImporter.load(files: files, region: region, account: account)
        } catch {
            var e = error
            e.file = InputFiles.display(e.file)
            Console.error("error: \(e)")
            throw Exit.badInput
        }
        let written = try FixtureWriter(directory: output).write { emit in
            for resource in result.resources { try emit(resource) }
        }
        let byType = Dictionary(grouping: result.resources, by: \.type).map { "\($0.value.count) \($0.key)" }.sorted()
        Console.out("imported \(result.resources.count) resources (\(byType.joined(separator: ", "))) into \(written.count) file\(written.count == 1 ? "" : "s") in \(output)")
        for (what, count) in result.skipped { Console.out("  not imported: \(count) \(what)") }
    }
}
