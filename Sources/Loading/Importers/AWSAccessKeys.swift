import CloudModel
import Foundation

/// The IAM credential report (`aws iam generate-credential-report`, then
/// `aws iam get-credential-report`): one CSV row per user, with its two access keys' state and
/// last rotation, and when and by which service each was last used. It names no key ids.
enum IAMCredentialReport {
    struct Key {
        let active: Bool
        /// When the key was created (a key is rotated by making a new one).
        let created: String
        let lastUsed: String?
        let service: String?
    }

    struct Row {
        let user: String
        let arn: String
        let created: String?
        let keys: [Key]
        let line: Int
    }

    /// True when `data` is the report's CSV (its header), not JSON.
    static func isCSV(_ data: Data) -> Bool {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let body = data.starts(with: bom) ? data.dropFirst(3) : data[...]
        return body.starts(with: Array("user,arn,".utf8))
    }

    static let required = [
        "user", "arn", "user_creation_time", "access_key_1_active", "access_key_1_last_rotated",
        "access_key_2_active", "access_key_2_last_rotated",
    ]

    /// The report's rows but the root account's (`<root_account>`, not an IAM user), which is
    /// counted in `rootRows`.
    static func rows(_ data: Data, file: String) throws(LoadError) -> (rows: [Row], rootRows: Int) {
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(file: file, message: "the credential report is not UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        let header =
            lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        var column: [String: Int] = [:]
        for (i, name) in header.enumerated() { column[name] = i }
        for name in required where column[name] == nil {
            throw LoadError(file: file, line: 1, column: 1, message: "the credential report has no '\(name)' column")
        }
        var rows: [Row] = []
        var root = 0
        for (n, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == header.count else {
                throw LoadError(
                    file: file, line: n + 1, column: 1,
                    message: "\(fields.count) fields where the header names \(header.count)")
            }
            func value(_ name: String) -> String? {
                guard let i = column[name] else { return nil }
                let v = fields[i]
                return ["N/A", "no_information", "not_supported", ""].contains(v) ? nil : v
            }
            guard let user = value("user"), let arn = value("arn") else {
                throw LoadError(file: file, line: n + 1, column: 1, message: "a row without its user or arn")
            }
            if user == "<root_account>" {
                root += 1
                continue
            }
            var keys: [Key] = []
            for k in 1...2 {
                guard let created = value("access_key_\(k)_last_rotated") else { continue }
                guard Timestamp(iso8601: created) != nil else {
                    throw LoadError(
                        file: file, line: n + 1, column: 1,
                        message: "access_key_\(k)_last_rotated: '\(created)' is not a time")
                }
                keys.append(
                    Key(
                        active: value("access_key_\(k)_active") == "true", created: created,
                        lastUsed: value("access_key_\(k)_last_used_date"),
                        service: value("access_key_\(k)_last_used_service")))
            }
            rows.append(Row(user: user, arn: arn, created: value("user_creation_time"), keys: keys, line: n + 1))
        }
        return (rows, root)
    }
}

/// The access keys of IAM users as AWS exports them, merged into the users: `aws iam
/// list-access-keys` gives each key's id, status and creation; the credential report gives the
/// same keys without ids, with their last use. A report's key is the listed key created at the
/// same time (a key's "last rotated" is its creation); a report key with no listed twin is kept
/// without its id, which the stale-key policy can flag but no remediation can name (warned).
struct AccessKeyMerge {
    /// Keys of `aws iam list-access-keys`, by user name, in the order read.
    private var listed: [String: [Value]] = [:]
    private var listedUsers: [String] = []
    /// The file each name was first read from, for errors about it.
    private var fileOf: [String: String] = [:]
    private var reported: [IAMCredentialReport.Row] = []
    private var rootRows = 0

    mutating func add(listed value: Value, _ item: ExportItem, file: String) throws(LoadError) {
        guard value.objectValue != nil else { throw item.error("expected an object") }
        guard let user = value["UserName"]?.stringValue, !user.isEmpty else { throw item.error("missing 'UserName'") }
        guard let id = value["AccessKeyId"]?.stringValue, !id.isEmpty else {
            throw item.error("missing 'AccessKeyId'")
        }
        var key = Fields()
        key["AccessKeyId"] = .string(id)
        for field in ["Status", "CreateDate"] {
            guard let v = value[field]?.stringValue else { throw item.error("missing '\(field)'") }
            key[field] = .string(v)
        }
        if listed[user] == nil {
            listedUsers.append(user)
            if fileOf[user] == nil { fileOf[user] = file }
        }
        if listed[user, default: []].contains(where: { $0["AccessKeyId"]?.stringValue == id }) { return }
        listed[user, default: []].append(.object(key))
    }

    mutating func read(report data: Data, file: String) throws(LoadError) {
        let (rows, root) = try IAMCredentialReport.rows(data, file: file)
        for row in rows where fileOf[row.user] == nil { fileOf[row.user] = file }
        reported += rows
        rootRows += root
    }

    /// Sets the `AccessKeys` (and the keys' last use, as `usage.access-key-last-used`) of each
    /// user the sources name, adding users the import does not hold yet.
    func merge(into collector: inout ImportCollector, account: String?) throws(LoadError) {
        if rootRows > 0 { collector.skip("credential report rows of the root account (not an IAM user)", rootRows) }
        guard !listed.isEmpty || !reported.isEmpty else { return }
        /// The slot of the user named `name` in `account` (any account when nil), added when absent.
        func user(_ name: String, account: String?, arn: String?, created: String?) throws(LoadError) -> Int {
            let matches = collector.resources.indices.filter {
                collector.resources[$0].type == "aws.iam-user"
                    && collector.resources[$0].properties["UserName"]?.stringValue == name
                    && (account == nil || collector.resources[$0].account == account)
            }
            if matches.count == 1 { return matches[0] }
            guard matches.isEmpty else {
                throw LoadError(
                    file: fileOf[name] ?? "",
                    message: "access keys of '\(name)': users of that name are imported in "
                        + "\(matches.count) accounts; give the account with --account")
            }
            guard let account else {
                throw LoadError(
                    file: fileOf[name] ?? "",
                    message:
                        "access keys of '\(name)', a user the import does not hold: give the account with --account")
            }
            var properties = Fields()
            properties["UserName"] = .string(name)
            properties["Arn"] = .string(arn ?? "arn:aws:iam::\(account):user/\(name)")
            if let created { properties["CreateDate"] = .string(created) }
            let id = "iam-user/\(account)/\(name)"
            guard collector.index[id] == nil else {
                throw LoadError(file: fileOf[name] ?? "", message: "'\(id)' is imported, but not as an IAM user")
            }
            collector.index[id] = collector.resources.count
            collector.resources.append(
                Resource(
                    id: id, type: "aws.iam-user", account: account, region: "global", name: name,
                    properties: .object(properties)))
            return collector.resources.count - 1
        }
        var keys: [Int: [Value]] = [:]
        var order: [Int] = []
        var uses: [Int: [Value]] = [:]
        var withoutIds = 0
        for name in listedUsers {
            let slot = try user(name, account: account, arn: nil, created: nil)
            if keys[slot] == nil { order.append(slot) }
            keys[slot, default: []] += listed[name] ?? []
        }
        for row in reported {
            let rowAccount =
                account ?? AWSDescribeShape.resolve([.arn("Arn")], FlatValue(["Arn": .string(row.arn)]), account: true)
            let slot = try user(row.user, account: rowAccount, arn: row.arn, created: row.created)
            if keys[slot] == nil { order.append(slot) }
            var userKeys = keys[slot] ?? []
            for key in row.keys {
                // To the second: the report drops the fraction `list-access-keys` may print.
                let created = Timestamp(iso8601: key.created).map { $0.milliseconds / 1000 }
                let twin = userKeys.firstIndex {
                    $0["CreateDate"]?.stringValue.flatMap { Timestamp(iso8601: $0) }.map { $0.milliseconds / 1000 }
                        == created
                }
                if let twin, let id = userKeys[twin]["AccessKeyId"]?.stringValue {
                    if let used = key.lastUsed {
                        var use = Fields()
                        use["key"] = .string(id)
                        use["service"] = key.service.map(Value.string) ?? .null
                        use["last-used"] = .string(used)
                        uses[slot, default: []].append(.object(use))
                    }
                } else if twin == nil {
                    var fields = Fields()
                    fields["Status"] = .string(key.active ? "Active" : "Inactive")
                    fields["CreateDate"] = .string(key.created)
                    userKeys.append(.object(fields))
                    withoutIds += 1
                }
            }
            keys[slot] = userKeys
        }
        for slot in order {
            collector.resources[slot].properties = collector.resources[slot].properties.setting(
                "AccessKeys", to: .array(keys[slot] ?? []))
            if let used = uses[slot] {
                var usage = collector.resources[slot].usage.objectValue ?? Fields()
                usage["access-key-last-used"] = .array(used)
                collector.resources[slot].usage = .object(usage)
            }
        }
        if withoutIds > 0 {
            collector.warn(
                "\(withoutIds) access key\(withoutIds == 1 ? " is" : "s are") known from the credential report only, "
                    + "without \(withoutIds == 1 ? "its id" : "their ids"): policies see \(withoutIds == 1 ? "it" : "them"), "
                    + "but a remediation cannot name \(withoutIds == 1 ? "it" : "them"); import "
                    + "`aws iam list-access-keys --user-name …` for each user as well")
        }
    }
}
