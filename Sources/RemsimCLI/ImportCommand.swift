import ArgumentParser
import CloudModel
import Foundation
import Loading
import PolicyPack
import RemediationEngine

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn exports of a real estate into fixture files.",
        discussion: """
            aws-describe reads the JSON of the AWS CLI's describe, list and get calls for every modelled type \
            (`aws ec2 describe-security-groups`, `describe-instances`, `describe-volumes`, `aws rds \
            describe-db-instances`, `aws iam list-users`, `get-account-authorization-details`, `list-access-keys`, \
            the credential report, `aws s3api list-buckets`, …; the README lists them all). aws-config reads AWS \
            Config configuration items (a snapshot or history file, `get-resource-config-history`, \
            `batch-get-resource-config`, `select-resource-config`, bare items). azure-resource-graph reads the JSON \
            of `az graph query` or `az resource list`. gcp-asset-inventory reads `gcloud asset export` \
            (newline-delimited JSON), `gcloud asset list --format=json` or `gcloud asset search-all-resources \
            --read-mask='*' --format=json`, of a project or a whole organisation. custodian-resources reads what \
            `custodian run` writes (each policy's resources.json, with its metadata.json).

            aws-config-history (with `aws cloudtrail lookup-events` output beside it), gcp-asset-history \
            (`gcloud asset get-history`) and azure-change-history (Resource Graph's Resources and resourcechanges \
            rows) turn a recorded history into a scenario in --output: the first state as \
            fixtures, every later change a timeline entry at its time by its actor, the built-in pack remediating.

            Exports are read as the JSON these commands print, one item at a time; `-` reads standard input. \
            Resources of types remsim does not model are kept as inert resources and counted; whatever is not \
            imported is counted with its reason, and what is imported but not whole is warned about. The \
            fixtures are written to --output, replacing files of the same name.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case awsDescribe = "aws-describe"
        case awsConfig = "aws-config"
        case azureResourceGraph = "azure-resource-graph"
        case gcpAssetInventory = "gcp-asset-inventory"
        case awsConfigHistory = "aws-config-history"
        case gcpAssetHistory = "gcp-asset-history"
        case azureChangeHistory = "azure-change-history"
        case custodianResources = "custodian-resources"

        /// The formats that make a scenario of a recorded history.
        var isHistory: Bool { [.awsConfigHistory, .gcpAssetHistory, .azureChangeHistory].contains(self) }
    }

    @Argument(help: "The format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format

    @Argument(help: "Export files.")
    var files: [String]

    @Option(help: "aws-describe: the region of the exported resources, where the export does not say.")
    var region: String?

    @Option(help: "aws-describe: the account id, where the export does not say (and overriding it where it does).")
    var account: String?

    @Option(
        help: ArgumentHelp(
            "gcp-asset-inventory: the project id, for assets that name no project (neither in their name nor in "
                + "their ancestors)."))
    var project: String?

    @Option(
        help: ArgumentHelp(
            "aws-config: the Config type (AWS::EC2::SecurityGroup) of rows that name none, as a "
                + "select-resource-config query that did not select resourceType gives them."))
    var resourceType: String?

    @Option(
        help: ArgumentHelp(
            "The directory to write fixtures to (default Fixtures/imported); for aws-config-history, the "
                + "directory of the scenario and its fixtures (default Scenarios/aws-config-history)."))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "aws-config-history: the days of history to replay, ending at the latest item (default: all of it)."))
    var days: Int?

    @Option(
        help: ArgumentHelp(
            "When the export was taken (2026-11-30T06:00:00Z), written as the fixtures' as-of: a scenario over them "
                + "starts then. Default: the latest time the export names, or the time of the import."))
    var asOf: String?

    @OptionGroup(title: "Remediation parameters")
    var parameters: ParameterOptions

    func validate() throws {
        if format != .awsDescribe, region != nil || account != nil {
            throw ValidationError(
                "--region and --account apply to aws-describe only; the \(format.rawValue) export names both")
        }
        if format != .gcpAssetInventory, project != nil {
            throw ValidationError("--project applies to gcp-asset-inventory only")
        }
        if !format.isHistory, days != nil {
            throw ValidationError(
                "--days applies to the histories only (aws-config-history, gcp-asset-history, azure-change-history)")
        }
        if let days, days < 1 || days > 3660 {
            throw ValidationError("--days takes a number of days from 1 to 3660")
        }
        if let asOf, Timestamp(iso8601: asOf) == nil {
            throw ValidationError("--as-of takes an ISO 8601 time such as 2026-11-30T06:00:00Z")
        }
        if format.isHistory, asOf != nil {
            throw ValidationError(
                "--as-of does not apply to a history: its fixtures are the state at the history's start")
        }
        if !format.isHistory, !parameters.given.isEmpty {
            throw ValidationError(
                "--param applies to the histories only (aws-config-history, gcp-asset-history, azure-change-history)")
        }
        if format != .awsConfig, resourceType != nil {
            throw ValidationError("--resource-type applies to aws-config only")
        }
        if files.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (-) can be named once")
        }
        if limits.maxYamlValues != nil {
            throw ValidationError(
                "--max-yaml-values does not apply to import: an export is JSON, with no aliases to expand, read one "
                    + "item at a time; --max-file-size and --max-depth bound it")
        }
    }

    @OptionGroup(title: "Limits")
    var limits: FileLimitOptions

    func run() throws {
        try limits.apply { try execute() }
    }

    func execute() throws {
        // Confined like every other input: a link out of the tree is refused unread.
        // `-` is standard input, read as it comes; every other name is confined.
        var files: [String] = []
        for name in self.files {
            // A directory stands for its exports: JSON, newline-delimited JSON and the credential report's CSV.
            files +=
                name == "-" ? [name] : try InputFiles.collect([name], extensions: ["json", "ndjson", "jsonl", "csv"])
        }
        ProgressLine.current.start("reading \(files.count) export file\(files.count == 1 ? "" : "s")")
        if format.isHistory {
            try history(files)
            return
        }
        let output = self.output ?? "Fixtures/imported"
        let result: ImportResult
        switch format {
        case .awsConfigHistory, .gcpAssetHistory, .azureChangeHistory: return
        case .awsDescribe: result = try AWSDescribeImporter.load(files: files, region: region, account: account)
        case .awsConfig: result = try AWSConfigImporter.load(files: files, resourceType: resourceType)
        case .azureResourceGraph: result = try AzureResourceGraphImporter.load(files: files)
        case .gcpAssetInventory: result = try GCPAssetInventoryImporter.load(files: files, project: project)
        case .custodianResources: result = try CustodianResourcesImporter.load(files: files)
        }
        let progress = ProgressLine.current
        defer { progress.finish() }
        // When the export was taken: as given, as it says, or (it says nothing) now.
        let named = asOf.flatMap { Timestamp(iso8601: $0) } ?? result.asOf
        let taken = named ?? Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) / 1000 * 1000)
        let written = try FixtureWriter(directory: output, asOf: taken).write { emit in
            for (done, resource) in result.resources.enumerated() {
                progress.update("writing fixtures", done, of: result.resources.count)
                try emit(resource)
            }
        }
        progress.finish()
        let inert = Set(result.inert.map(\.type))
        let byType = Dictionary(grouping: result.resources.filter { !inert.contains($0.type) }, by: \.type)
            .map { "\($0.value.count) \($0.key)" }.sorted()
        Console.out(
            "imported \(result.resources.count) resources (\(byType.joined(separator: ", "))) into "
                + "\(written.count) file\(written.count == 1 ? "" : "s") in \(output)"
        )
        Console.out(
            "  as of \(taken)"
                + (asOf != nil
                    ? " (--as-of)"
                    : named != nil
                        ? " (the latest time the export names)"
                        : " (the time of the import: the export names none; --as-of says when it was taken)"))
        let partial = result.resources.filter { !$0.unknownProperties.isEmpty }
        if !partial.isEmpty {
            let all = partial.filter(\.propertiesUnknown).count
            Console.out(
                "  with properties unknown (policies reading them cannot evaluate them): \(partial.count)"
                    + (all > 0 ? " (\(all) with none known)" : ""))
        }
        for (type, count) in result.inert { Console.out("  kept as inert (not modelled): \(count) \(type)") }
        for (what, count) in result.skipped { Console.out("  not imported: \(count) \(what)") }
        for warning in result.warnings { Console.error(Console.errorStyle.yellow("warning: ") + warning) }
    }

    /// `aws-config-history`: the first state as fixtures, every later change as a timeline entry
    /// of a scenario that runs the built-in pack with auto-remediation on over the window.
    func history(_ files: [String]) throws {
        let output = self.output ?? "Scenarios/\(format.rawValue)"
        let history: ResourceHistory
        switch format {
        case .gcpAssetHistory: history = try ResourceHistory.gcpAssets(files: files, days: days)
        case .azureChangeHistory: history = try ResourceHistory.azureChanges(files: files, days: days)
        default: history = try ResourceHistory.awsConfig(files: files, days: days)
        }
        let progress = ProgressLine.current
        defer { progress.finish() }
        let fixtures = (output as NSString).appendingPathComponent("fixtures")
        let written = try FixtureWriter(directory: fixtures, asOf: history.start).write { emit in
            for resource in history.initial { try emit(resource) }
        }
        progress.finish()
        let name = (output as NSString).lastPathComponent
        let scenario = (output as NSString).appendingPathComponent(name + ".yaml")
        // The pack's remediations that need a parameter nobody gave only detect, and the
        // scenario says so.
        let values = try parameters.values()
        let pack = try BuiltinPolicies.load()
        let declared = Set(pack.flatMap { $0.remediation?.parameters.map(\.name) ?? [] })
        for name in values.keys.sorted() where !declared.contains(name) {
            throw BadInput(
                "--param: the built-in pack takes no parameter '\(name)' (it takes \(declared.sorted().joined(separator: ", ")))"
            )
        }
        let needing = ResourceHistory.needing(pack, given: values)
        try Console.writeFile(
            scenario,
            history.scenario(
                name: name, fixtures: "fixtures", parameters: values, pack: pack.map(\.id), needing: needing))
        let actors = Dictionary(grouping: history.changes, by: \.actor).map { "\($0.key) \($0.value.count)" }.sorted()
        Console.out(
            "a history from \(history.start) to \(history.end): \(history.initial.count) "
                + "resource\(history.initial.count == 1 ? "" : "s") at the start (in "
                + "\(written.count) fixture file\(written.count == 1 ? "" : "s") in \(fixtures)), \(history.changes.count) "
                + "changes on the timeline" + (actors.isEmpty ? "" : " (by \(actors.joined(separator: ", ")))"))
        Console.out("wrote \(scenario); run it with: remsim run \(scenario)")
        if !needing.isEmpty {
            Console.out(
                "  detect only, until --param gives what their remediations take: "
                    + needing.map { "\($0.policy) (\($0.parameters.joined(separator: ", ")))" }.joined(separator: ", "))
        }
        for (what, count) in history.skipped { Console.out("  not replayed: \(count) \(what)") }
        for warning in history.warnings { Console.error(Console.errorStyle.yellow("warning: ") + warning) }
    }
}
