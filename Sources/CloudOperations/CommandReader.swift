import CloudModel

/// Reads a cloud CLI command into the call it makes. Remediations are written this way in Prisma
/// Cloud: CLI command templates with variables, up to five separated by `;`:
///
/// ```yaml
/// remediation:
///   cli: >
///     aws --region ${region} ec2 revoke-security-group-ingress --group-id ${resourceId}
///     --protocol ${protocol} --port ${fromPort}-${toPort} --cidr ${cidr}
/// ```
///
/// Each command becomes the API operation the simulated cloud executes, with its parameters;
/// variables stay in place and are filled in per finding, like those of `steps`. A command remsim
/// does not model is an error naming the command, never a silent no-op.
///
/// `az`, `gcloud` and `gsutil` commands are read through the command shapes of the operation
/// catalog (`az storage account update --name ${resourceName} --resource-group ${resourceGroup}
/// --https-only true` is `Microsoft.Storage/storageAccounts/write`).
///
/// This reads `aws` commands: the service (`s3api` is `s3`), the kebab-case action, and each
/// `--flag value` as the API parameter (`--group-id` → `GroupId`; camelCase for `logs`). Values
/// are JSON (`'[{"IpProtocol":"tcp"}]'`), the CLI's shorthand (`Key=true,Other=false`), or plain
/// words; a flag with no value is a boolean (`--enable-x` true, `--no-enable-x` false). The EC2
/// ingress commands also take the CLI's single-rule form, `--protocol --port --cidr`.
package enum CommandReader {
    /// Global options of the AWS CLI that do not change what the call does.
    static let globalOptionsWithValue: Set<String> = [
        "--region", "--output", "--profile", "--query", "--endpoint-url", "--color",
    ]
    static let globalFlags: Set<String> = [
        "--no-cli-pager", "--no-paginate", "--debug", "--no-verify-ssl", "--no-sign-request",
    ]
    /// Parameters that are lists of plain values, written as several words (`--resource-ids a b`).
    static let listParameters: Set<String> = [
        "ResourceIds", "GroupIds", "InstanceIds", "AllocationIds", "GroupNames", "UserIds", "ValuesToRemove",
        "ValuesToAdd",
    ]
    /// Parameters the AWS API types as integers; every other plain word is a string, so an
    /// account id stays `"123456789012"`.
    static let integerParameters: Set<String> = [
        "RuleNumber", "MinimumPasswordLength", "MaxPasswordAge", "PasswordReusePrevention", "BackupRetentionPeriod",
        "HttpPutResponseHopLimit", "FromPort", "ToPort", "AllocatedStorage", "Port",
    ]

    package struct Problem: Error {
        package var message: String
        package init(message: String) { self.message = message }
    }

    /// The call a command makes: its words (as `ShellWords` splits a template) read into the
    /// operation and its parameters.
    package static func call(_ words: [String]) throws(Problem) -> (operation: String, parameters: Value) {
        guard let program = words.first else { throw Problem(message: "an empty command") }
        guard program == "aws" else { return try shapedCall(program: program, words: Array(words.dropFirst())) }
        var rest = words.dropFirst()
        // Global options come anywhere: before the service, between it and the action
        // (`aws ec2 --region ${region} modify-snapshot-attribute …`), among the flags.
        func skipGlobalOptions() throws(Problem) {
            while let word = rest.first, word.hasPrefix("--") {
                if globalOptionsWithValue.contains(word) {
                    rest = rest.dropFirst(2)
                } else if globalFlags.contains(word) {
                    rest = rest.dropFirst()
                } else {
                    throw Problem(message: "unknown global option \(word)")
                }
            }
        }
        try skipGlobalOptions()
        guard let cliService = rest.first else {
            throw Problem(message: "expected `aws SERVICE ACTION --flag value …`")
        }
        rest = rest.dropFirst()
        try skipGlobalOptions()
        guard let action = rest.first else { throw Problem(message: "expected `aws SERVICE ACTION --flag value …`") }
        rest = rest.dropFirst()
        let service = CommandRenderer.apiService(forCLI: cliService)
        // The catalog spells acronyms as the API does (`ModifyDBInstance`, not `ModifyDbInstance`).
        let spec = OperationCatalog.all.first {
            $0.cloud == .aws && $0.name.hasPrefix(service + ":")
                && CommandRenderer.kebab(String($0.name.dropFirst(service.count + 1))) == action
        }
        let operation = spec?.name ?? "\(service):\(CommandRenderer.apiName(fromKebab: action))"
        guard let spec else {
            let known = OperationCatalog.all.filter { $0.cloud == .aws }.map(\.name)
            throw Problem(
                message:
                    "`aws \(cliService) \(action)` (\(operation)) is not an operation remsim models; it models "
                    + "\(known.joined(separator: ", "))"
            )
        }
        var parameters = Fields()
        var flags = Array(rest)
        var i = 0
        var shorthandRule = Fields()
        while i < flags.count {
            let flag = flags[i]
            guard flag.hasPrefix("--"), flag.count > 2 else {
                throw Problem(message: "expected a --flag, found \(flag.quotedExcerpt)")
            }
            let hasValue = i + 1 < flags.count && !flags[i + 1].hasPrefix("--")
            if globalOptionsWithValue.contains(flag), hasValue {
                i += 2
                continue
            }
            if globalFlags.contains(flag) {
                i += 1
                continue
            }
            let name = String(flag.dropFirst(2))
            func apiName(_ word: String) -> String {
                spec.parameterNames.first { CommandRenderer.kebab($0) == word }
                    ?? CommandRenderer.apiName(
                        fromKebab: word, camelCase: CommandRenderer.usesCamelCaseParameters(service))
            }
            if !hasValue {
                if let key = CommandRenderer.awsFalseFlags.first(where: { $0.value == flag })?.key {
                    parameters[key] = .bool(false)
                } else {
                    let negated = name.hasPrefix("no-")
                    parameters[apiName(negated ? String(name.dropFirst(3)) : name)] = .bool(!negated)
                }
                i += 1
                continue
            }
            var values: [String] = []
            i += 1
            while i < flags.count, !flags[i].hasPrefix("--") {
                values.append(flags[i])
                i += 1
            }
            if service == "ec2", ["protocol", "port", "cidr"].contains(name), values.count == 1 {
                try addToRule(&shorthandRule, name: name, raw: values[0])
                continue
            }
            let key = apiName(name)
            if parameters[key] != nil { throw Problem(message: "\(flag) is given twice") }
            if listParameters.contains(key) || spec.lists.contains(key) {
                parameters[key] = .array(values.map(Value.string))
            } else if integerParameters.contains(key) || spec.integers.contains(key), values.count == 1,
                let n = Int(values[0])
            {
                parameters[key] = .int(n)
            } else if values.count == 1 {
                parameters[key] = try value(values[0])
            } else {
                throw Problem(message: "\(flag) takes one value, found \(values.count)")
            }
        }
        flags.removeAll()
        if !shorthandRule.isEmpty {
            guard parameters["IpPermissions"] == nil else {
                throw Problem(message: "give either --ip-permissions or --protocol/--port/--cidr, not both")
            }
            guard shorthandRule["IpProtocol"] != nil else {
                throw Problem(message: "--port and --cidr need --protocol")
            }
            parameters["IpPermissions"] = .array([.object(shorthandRule)])
        }
        return (operation, .object(parameters))
    }

    /// Options `gsutil` takes before its command.
    static let gsutilTopLevelFlags: Set<String> = ["-m", "-q", "-D"]

    /// An `az`, `gcloud` or `gsutil` command, read through the catalog's command shapes. Options
    /// may come before the command is complete (`gcloud compute --project=P firewall-rules update
    /// NAME`): they are read with the arguments. A command word may be an alias the program takes
    /// (`gsutil ubla` for `uniformbucketlevelaccess`).
    static func shapedCall(program: String, words: [String]) throws(Problem) -> (operation: String, parameters: Value) {
        guard ["az", "gcloud", "gsutil"].contains(program) else {
            throw Problem(message: "`\(program)` is not a cloud CLI; commands start with aws, az, gcloud or gsutil")
        }
        var words = words[...]
        if program == "gsutil" {
            while let w = words.first, gsutilTopLevelFlags.contains(w) { words = words.dropFirst() }
        }
        let aliases = CLIShape.commandAliases[program] ?? [:]
        func isCommandWord(_ w: String) -> Bool { !w.hasPrefix("-") && !w.contains("${") }
        var commandWords: [String] = []
        var setAside: [String] = []
        var rest = Array(words)[...]
        while let word = rest.first {
            if isCommandWord(word) {
                commandWords.append(aliases[word] ?? word)
                rest = rest.dropFirst()
                continue
            }
            // An option, with its value unless attached or a switch: set aside when the word after
            // it goes on with a command.
            guard word.hasPrefix("-") else { break }
            let span = word.contains("=") || !CLIShape.takesValue(program: program, flag: word) ? 1 : 2
            guard let next = rest.dropFirst(span).first, isCommandWord(next),
                OperationCatalog.continuesCommand(program: program, commandWords + [aliases[next] ?? next])
            else { break }
            setAside += rest.prefix(span)
            rest = rest.dropFirst(span)
        }
        guard let (spec, shape) = OperationCatalog.command(program: program, words: commandWords) else {
            let known = OperationCatalog.commandLines(program: program)
            throw Problem(
                message:
                    "`\(([program] + commandWords).joined(separator: " "))` is not a command remsim models; the "
                    + "`\(program)` commands it models are \(known.joined(separator: ", "))"
            )
        }
        // The words after the command: the rest of the command words (positional values such as
        // gsutil's `on`) and everything after them, then the options set aside.
        let arguments = Array(commandWords.dropFirst(shape.command.count)) + rest + setAside
        do {
            return (spec.name, try shape.parse(arguments))
        } catch {
            throw Problem(message: error.message)
        }
    }

    /// `--protocol tcp --port 22 --cidr 0.0.0.0/0`, the CLI's form for a single ingress rule.
    static func addToRule(_ rule: inout Fields, name: String, raw: String) throws(Problem) {
        switch name {
        case "protocol":
            rule["IpProtocol"] = .string(raw)
        case "cidr":
            let key = raw.contains(":") ? "Ipv6Ranges" : "IpRanges"
            let member = raw.contains(":") ? "CidrIpv6" : "CidrIp"
            rule[key] = .array([.object(Fields([Fields.Entry(key: member, value: .string(raw))]))])
        default:  // port: 22, 0-1024, ${fromPort}-${toPort}
            let parts = splitPortRange(raw)
            guard let from = parts.first, let to = parts.last, parts.count <= 2 else {
                throw Problem(
                    message: "--port takes a port or a range such as 22 or 0-1024, found \(raw.quotedExcerpt)")
            }
            rule["FromPort"] = Int(from).map(Value.int) ?? .string(from)
            rule["ToPort"] = Int(to).map(Value.int) ?? .string(to)
        }
    }

    /// Splits `A-B` at the dash between the two ports, not inside a variable or a negative `-1`.
    static func splitPortRange(_ raw: String) -> [String] {
        if raw == "-1" { return ["-1"] }
        var depth = 0
        for (offset, c) in raw.enumerated() {
            if c == "{" { depth += 1 }
            if c == "}" { depth -= 1 }
            if c == "-", depth == 0, offset > 0 {
                let index = raw.index(raw.startIndex, offsetBy: offset)
                return [String(raw[..<index]), String(raw[raw.index(after: index)...])]
            }
        }
        return [raw]
    }

    /// A flag's value: JSON, the CLI's `Key=Value,…` shorthand, or a word. A template's variable
    /// may stand where a JSON number goes (`"FromPort": ${fromPort}`): it is read as the variable,
    /// whose value is filled in per finding with its own type.
    static func value(_ raw: String) throws(Problem) -> Value {
        if raw.hasPrefix("[") || raw.hasPrefix("{") {
            do {
                return try Value(json: quotingBareVariables(raw))
            } catch {
                throw Problem(message: "\(raw.quotedExcerpt) is not valid JSON: \(error)")
            }
        }
        // Key=Value,… when every piece is one; otherwise a plain word (an ARN, a name).
        let pairs = raw.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.split(separator: "=", maxSplits: 1).map(String.init)
        }
        if pairs.allSatisfy({ $0.count == 2 && isShorthandKey($0[0]) }) {
            return .object(Fields(pairs.map { Fields.Entry(key: $0[0], value: scalar($0[1])) }))
        }
        return .string(raw)
    }

    /// JSON text with each `${name}` that stands outside a string put in quotes.
    static func quotingBareVariables(_ json: String) -> String {
        guard json.contains("${") else { return json }
        var out = ""
        var inString = false
        var escaped = false
        var i = json.startIndex
        while i < json.endIndex {
            let c = json[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    inString = false
                }
            } else if c == "\"" {
                inString = true
            } else if c == "$", json[i...].hasPrefix("${"), let end = json[i...].firstIndex(of: "}") {
                out += "\"" + json[i...end] + "\""
                i = json.index(after: end)
                continue
            }
            out.append(c)
            i = json.index(after: i)
        }
        return out
    }

    static func isShorthandKey(_ key: String) -> Bool {
        guard let first = key.first, first.isLetter else { return false }
        return key.allSatisfy { $0.isLetter || $0.isNumber }
    }

    static func scalar(_ text: String) -> Value {
        switch text {
        case "true": .bool(true)
        case "false": .bool(false)
        default: Int(text).map(Value.int) ?? .string(text)
        }
    }
}
