import CloudModel
import CloudOperations
import RemediationEngine

/// How one resource type is made on a real endpoint, read back and compared: one adapter per
/// type, in `Adapters/`.
package protocol ReplayAdapter: Sendable {
    var type: String { get }
    /// Fixture ids of the resources that must exist first (a security group's VPC).
    func dependencies(of resource: Resource) -> [String]
    /// Creates `resource`, tagged with the replay id, and returns the endpoint's id for it. Only
    /// the one call that makes it: from then on the replay owns it and deletes it at the end,
    /// whatever fails next.
    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String
    /// Gives the created resource `properties` (its state just before the first remediation).
    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError)
    /// The resource as the endpoint describes it, in the fixture's shape.
    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value
    /// What is compared, normalised so that order and the endpoint's defaults do not count.
    func project(_ properties: Value, in context: ReplayContext) -> Value
    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError)
    /// Brings the resource from `old` to `new` between the calls, as the timeline did (an
    /// injection, a drift): someone else changing it on the cloud. Called only when what is
    /// compared differs.
    func change(_ resource: Resource, id: String, from old: Value, to new: Value, in context: ReplayContext)
        throws(ReplayError)
    /// Whether `locate` can find a resource of this type that a remediation call made.
    var locatesWhatCallsMake: Bool { get }
    /// Whether an account holds at most one (its password policy): never made as an untouched
    /// neighbour of another.
    var onePerAccount: Bool { get }
    /// The endpoint's id for `resource`, which a remediation call made; nil when it is not there.
    func locate(_ resource: Resource, in context: ReplayContext) throws(ReplayError) -> String?
}

extension ReplayAdapter {
    /// The resource as the endpoint describes it, or nil when the endpoint says it is not there
    /// (a remediation deleted it).
    func readIfThere(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value? {
        do {
            return try read(resource, id: id, in: context)
        } catch {
            if error.saysNotFound { return nil }
            throw error
        }
    }

    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
    }
    var locatesWhatCallsMake: Bool { false }
    var onePerAccount: Bool { false }
    func change(_ resource: Resource, id: String, from old: Value, to new: Value, in context: ReplayContext)
        throws(ReplayError)
    {
        throw .notReplayable(
            "its timeline changes \(resource.id) between the calls, and remsim does not yet change a \(type) on "
                + "an endpoint"
        )
    }
    func locate(_ resource: Resource, in context: ReplayContext) throws(ReplayError) -> String? { nil }
}

/// What adapters share during one replay.
/// Not `Sendable`: one replay's bookkeeping, used only by the replay that made it.
package final class ReplayContext {
    package let cli: AWSCLI
    /// Tags every created resource, so a replay touches only what it made.
    package let replayId: String
    /// Fixture id → the endpoint's id, for everything created so far.
    package private(set) var ids: [String: String] = [:]
    /// Everything the replay will create, as the fixtures have it.
    package internal(set) var planned: [Resource] = []
    /// Fixture ids of the resources the remediation calls name besides their targets.
    package internal(set) var referenced: Set<String> = []

    init(cli: AWSCLI, replayId: String) {
        self.cli = cli
        self.replayId = replayId
    }

    func created(_ fixtureId: String, as realId: String) { ids[fixtureId] = realId }

    /// What adapters made for a resource besides it (a VPC for a group, a volume for a snapshot),
    /// by resource and role: deleted with the resource, never used to translate ids.
    private var helpers: [String: String] = [:]

    func helper(_ role: String, of resource: Resource, is realId: String) { helpers["\(resource.id)#\(role)"] = realId }

    /// The endpoint's id of what was made in `role` for `resource`, if anything was.
    package func helper(_ role: String, of resource: Resource) -> String? { helpers["\(resource.id)#\(role)"] }

    /// Fixture account → the endpoint's account.
    package private(set) var accounts: [String: String] = [:]

    func account(_ fixture: String, is real: String) {
        accounts[fixture] = real
        // How an ARN's account field reads in the fixture's terms: the fixture's account where one
        // became the endpoint's, `<account>` from either side where several did (the endpoint
        // cannot tell them apart).
        accountsInFixtureTerms = []
        for real in Set(accounts.values).sorted() {
            let fixtures = accounts.filter { $0.value == real }.map(\.key).sorted()
            if fixtures.count == 1 {
                accountsInFixtureTerms.append((":\(real):", ":\(fixtures[0]):"))
            } else {
                accountsInFixtureTerms += (fixtures + [real]).map { (":\($0):", ":<account>:") }
            }
        }
    }

    /// ARN account fields and what they read as in the fixture's terms, from `account(_:is:)`.
    private var accountsInFixtureTerms: [(String, String)] = []

    /// `text` in the endpoint's terms: fixture ids replaced by the endpoint's, and accounts where
    /// they stand as accounts (an ARN's account field, a quoted or whole account id), not inside
    /// names (`acme-access-logs-111111111111` stays).
    package func translate(_ text: String) -> String {
        var out = ids.reduce(text) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        for (fixture, real) in accounts {
            if out == fixture { return real }
            out = out.replacingOccurrences(of: ":\(fixture):", with: ":\(real):").replacingOccurrences(
                of: "\"\(fixture)\"", with: "\"\(real)\"")
        }
        return out
    }

    /// The endpoint's id for a fixture id (or the id itself, for one not created here).
    package func real(_ fixtureId: String) -> String { ids[fixtureId] ?? fixtureId }

    /// `value` with every fixture id and account the replay knows replaced by the endpoint's.
    package func real(in value: Value) -> Value {
        switch value {
        case .string(let s): .string(translate(s))
        case .array(let a): .array(a.map(real(in:)))
        case .object(let o): .object(Fields(o.entries.map { Fields.Entry(key: $0.key, value: real(in: $0.value)) }))
        default: value
        }
    }

    /// `text` with the endpoint's ids and account replaced by the fixture's. Where several
    /// fixture accounts became the one endpoint account, an ARN's account field reads `<account>`,
    /// from either side: the endpoint cannot tell them apart.
    package func fixture(inText text: String) -> String {
        let out = ids.reduce(text) { $0.replacingOccurrences(of: $1.value, with: $1.key) }
        return accountsInFixtureTerms.reduce(out) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    /// The fixture id for an endpoint id.
    package func fixture(_ realId: String) -> String { ids.first { $0.value == realId }?.key ?? realId }

    /// `aws` in the resource's region.
    @discardableResult
    package func aws(_ region: String, _ arguments: [String]) throws(ReplayError) -> Value {
        do {
            // Global services (IAM) answer in us-east-1.
            return try cli.run(["--region", region == "global" || region.isEmpty ? "us-east-1" : region] + arguments)
        } catch {
            throw ReplayError(error)
        }
    }

    /// The CLI's words for an API call, as remsim renders every AWS command (`CommandRenderer`):
    /// `("rds:CreateDBInstance", ["MultiAZ": false])` → `rds create-db-instance --no-multi-az`.
    package func words(_ operation: String, _ parameters: Value) -> [String] {
        let parts = operation.split(separator: ":", maxSplits: 1).map(String.init)
        return CommandRenderer.awsWords(
            service: parts[0], action: parts.count > 1 ? parts[1] : "", parameters: parameters)
    }

    /// What the fixture says of each setting in `defaults`, or the cloud's default where it is silent.
    package func settings(_ properties: Value, defaults: KeyValuePairs<String, Value>) -> Value {
        .object(Fields(defaults.map { Fields.Entry(key: $0.key, value: properties[$0.key] ?? $0.value) }))
    }

    package var tagKey: String { "remsim-replay" }

    /// Runs a call that creates something named by the fixture; a name already taken on the
    /// endpoint means someone else's resource, which the replay never takes over.
    @discardableResult
    package func create(_ region: String, _ arguments: [String], named name: String, alreadyThere codes: [String])
        throws(ReplayError) -> Value
    {
        do {
            return try aws(region, arguments)
        } catch {
            if case .callFailed(_, let message) = error, codes.contains(where: { message.contains($0) }) {
                throw .notReplayable(
                    "'\(name)' already exists on the endpoint, and a replay touches only what it creates")
            }
            throw error
        }
    }

    /// Runs a read that answers "not found" when the setting or resource is absent; nil then.
    package func optional(_ region: String, _ arguments: [String]) throws(ReplayError) -> Value? {
        do {
            return try aws(region, arguments)
        } catch {
            if error.saysNotFound { return nil }
            throw error
        }
    }
}

package enum ReplayError: Error, Sendable, CustomStringConvertible, Equatable {
    case notReplayable(String)
    case notSupportedByEndpoint(call: String, message: String)
    case callFailed(call: String, message: String)

    /// True when the endpoint refused a call because what it names is not there.
    var saysNotFound: Bool {
        guard case .callFailed(_, let message) = self else { return false }
        return message.contains("NotFound") || message.contains("NoSuch") || message.contains("(404)")
    }

    /// A failed CLI call: the endpoint lacks it, or it failed.
    init(_ failure: AWSCLI.Failure) {
        self =
            failure.notImplemented
            ? .notSupportedByEndpoint(call: failure.call, message: failure.message)
            : .callFailed(call: failure.call, message: failure.message)
    }

    package var description: String {
        switch self {
        case .notReplayable(let why): "not replayable: \(why)"
        case .notSupportedByEndpoint(let call, let message):
            "not replayable: the endpoint does not support aws \(call) (\(message))"
        case .callFailed(let call, let message): "aws \(call) failed: \(message)"
        }
    }
}
