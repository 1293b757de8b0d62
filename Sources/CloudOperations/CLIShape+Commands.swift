import CloudModel

extension CLIShape {
    /// The call as this command, or nil when a parameter has no argument to carry it.
    package func render(_ parameters: Value) -> ShellCommand? {
        guard uncoveredParameters(parameters).isEmpty else { return nil }
        var words = [program] + command
        for argument in arguments {
            guard let value = argument.path.resolve(in: parameters), !value.isNull else { continue }
            switch argument.form {
            case .positional:
                words.append(argument.encode(value))
            case .option(let flag):
                words += [flag, argument.encode(value)]
            case .toggle(let flag):
                words.append(value.boolValue == false ? "--no-" + flag.dropFirst(2) : flag)
            case .repeated(let flag):
                for item in value.arrayValue ?? [value] { words += [flag, CLIArgument.word(item)] }
            case .words(let flag):
                words += [flag] + (value.arrayValue ?? [value]).map(CLIArgument.word)
            }
        }
        return ShellCommand(words)
    }

    package struct ParseError: Error, Sendable {
        package let message: String
    }

    /// Options of each program that do not change what the call does, with whether they take a value.
    static let globalOptions: [String: [String: Bool]] = [
        "az": [
            "--subscription": true, "--output": true, "-o": true, "--query": true, "--only-show-errors": false,
            "--yes": false, "-y": false, "--verbose": false, "--debug": false, "--no-wait": false,
        ],
        "gcloud": ["--quiet": false, "-q": false, "--format": true, "--verbosity": true, "--async": false],
        "gsutil": [:],
    ]
    /// Short forms `az` accepts for the address options.
    static let aliases: [String: [String: String]] = ["az": ["-g": "--resource-group", "-n": "--name"]]
    /// Command words a program takes for others (`gsutil ubla` is `gsutil uniformbucketlevelaccess`).
    package static let commandAliases: [String: [String: String]] = ["gsutil": ["ubla": "uniformbucketlevelaccess"]]

    /// Whether `flag` takes a value in any of `program`'s commands, or as one of its global options.
    package static func takesValue(program: String, flag: String) -> Bool {
        let name = aliases[program]?[flag] ?? flag
        if let global = globalOptions[program]?[name] { return global }
        return OperationCatalog.all.contains { spec in
            spec.commands.contains { shape in
                shape.program == program
                    && shape.arguments.contains { $0.flags.contains(name) && $0.form.takesValue }
            }
        }
    }

    /// Reads the words after the command (`--https-only true --name x`) into the call's parameters.
    /// Words holding `${…}` stay strings, to be filled in per finding.
    package func parse(_ words: [String]) throws(ParseError) -> Value {
        var parameters = Value.emptyObject
        var positionals = arguments.filter { $0.form == .positional }[...]
        var i = 0
        func assign(_ argument: CLIArgument, _ value: Value) throws(ParseError) {
            if case .repeated = argument.form {
                let existing = argument.path.resolve(in: parameters)?.arrayValue ?? []
                try set(argument, .array(existing + [value]), in: &parameters)
            } else {
                guard argument.path.resolve(in: parameters) == nil else {
                    throw ParseError(message: "\(argument.flag ?? argument.parameter) is given twice")
                }
                try set(argument, value, in: &parameters)
            }
        }
        while i < words.count {
            var word = words[i]
            var attached: String?
            if word.hasPrefix("--"), let eq = word.firstIndex(of: "=") {
                attached = String(word[word.index(after: eq)...])
                word = String(word[..<eq])
            }
            word = Self.aliases[program]?[word] ?? word
            i += 1
            guard word.hasPrefix("-"), word.count > 1 else {
                guard let argument = positionals.popFirst() else {
                    throw ParseError(message: "unexpected word '\(word)': `\(commandLine)` takes \(usage)")
                }
                try assign(argument, try argument.decode(word))
                continue
            }
            if let takesValue = Self.globalOptions[program]?[word] {
                if takesValue, attached == nil { i += 1 }
                continue
            }
            if let argument = arguments.first(where: { $0.flags.contains(word) }) {
                if case .toggle = argument.form {
                    guard attached == nil else { throw ParseError(message: "\(word) takes no value") }
                    try assign(argument, .bool(true))
                    continue
                }
                if case .words = argument.form {
                    var items = attached.map { [Value.string($0)] } ?? []
                    while i < words.count, !(words[i].hasPrefix("-") && words[i].count > 1) {
                        items.append(.string(words[i]))
                        i += 1
                    }
                    guard !items.isEmpty else { throw ParseError(message: "\(word) needs a value") }
                    try assign(argument, .array(items))
                    continue
                }
                guard let raw = attached ?? (i < words.count ? words[i] : nil) else {
                    throw ParseError(message: "\(word) needs a value")
                }
                if attached == nil { i += 1 }
                let value =
                    if case .repeated = argument.form { CLIArgument.scalar(raw) } else { try argument.decode(raw) }
                try assign(argument, value)
                continue
            }
            if program == "az", word == "--ids" || word == "--set" {
                var values = attached.map { [$0] } ?? []
                while i < words.count, !(words[i].hasPrefix("-") && words[i].count > 1) {
                    values.append(words[i])
                    i += 1
                }
                guard !values.isEmpty else { throw ParseError(message: "\(word) needs a value") }
                for value in values {
                    for (argument, decoded) in try word == "--ids" ? addressed(byId: value) : setting(value) {
                        try assign(argument, decoded)
                    }
                }
                continue
            }
            if word.hasPrefix("--no-"),
                let argument = arguments.first(where: { $0.form == .toggle("--" + word.dropFirst(5)) })
            {
                try assign(argument, .bool(false))
                continue
            }
            throw ParseError(message: "unknown option \(word): `\(commandLine)` takes \(usage)")
        }
        if let missing = positionals.first {
            throw ParseError(message: "missing \(missing.parameter): `\(commandLine)` takes \(usage)")
        }
        return parameters
    }

    /// `az … --ids ID`: the resource group and name of a resource addressed by them, from its ARM
    /// id; Prisma's `${resourceId}` (or `${azureScope}`) stands for `${resourceGroup}` and
    /// `${resourceName}`, which come from the same id.
    func addressed(byId id: String) throws(ParseError) -> [(CLIArgument, Value)] {
        guard let group = arguments.first(where: { $0.parameter == "resourceGroup" && $0.form.takesValue }),
            let name = arguments.first(where: { $0.parameter == "name" && $0.form.takesValue })
        else {
            throw ParseError(message: "--ids: `\(commandLine)` is read with \(usage)")
        }
        if id == "${resourceId}" || id == "${azureScope}" {
            return [(group, "${resourceGroup}"), (name, "${resourceName}")]
        }
        let parts = id.split(separator: "/").map(String.init)
        guard let g = parts.firstIndex(where: { $0.lowercased() == "resourcegroups" }), g + 1 < parts.count,
            let last = parts.last, parts.count >= 8
        else {
            throw ParseError(
                message:
                    "--ids takes a resource's ARM id (/subscriptions/…/resourceGroups/…/providers/…), found '\(id)'")
        }
        return [(group, .string(parts[g + 1])), (name, .string(last))]
    }

    /// `az … --set PATH=VALUE`, az's generic update of one property: the argument of this command
    /// that carries it (`httpsOnly` is `--https-only`, in the body's `properties`).
    func setting(_ assignment: String) throws(ParseError) -> [(CLIArgument, Value)] {
        let pair = assignment.split(separator: "=", maxSplits: 1).map(String.init)
        guard pair.count == 2, !pair[0].isEmpty else {
            throw ParseError(message: "--set takes PATH=VALUE, found '\(assignment)'")
        }
        let candidates = ["body." + pair[0], "body.properties." + pair[0]]
        guard let argument = arguments.first(where: { candidates.contains($0.parameter) && $0.form.takesValue })
        else {
            let settable = arguments.compactMap { a -> String? in
                guard a.parameter.hasPrefix("body.") else { return nil }
                return String(a.parameter.dropFirst(a.parameter.hasPrefix("body.properties.") ? 16 : 5))
            }
            throw ParseError(
                message:
                    "--set \(pair[0]): not a setting remsim models for `\(commandLine)`; it models "
                    + (settable.isEmpty ? "none" : settable.joined(separator: ", ")))
        }
        return [(argument, try argument.decode(pair[1]))]
    }

    /// The arguments, for messages: `NAME --project VALUE --disabled`.
    package var usage: String {
        arguments.map { a in
            switch a.form {
            case .positional: a.parameter.split(separator: ".").last.map { $0.uppercased() } ?? "VALUE"
            case .option(let f), .repeated(let f): "\(f) VALUE"
            case .words(let f): "\(f) VALUE…"
            case .toggle(let f): "\(f)"
            }
        }.joined(separator: " ")
    }

    private func set(_ argument: CLIArgument, _ value: Value, in parameters: inout Value) throws(ParseError) {
        do {
            try argument.path.assign(value, in: &parameters)
        } catch {
            throw ParseError(message: error.description)
        }
    }
}

extension CLIArgument {
    func encode(_ value: Value) -> String {
        switch encoding {
        case .text: Self.word(value)
        case .prefixed(let prefix): prefix + Self.word(value)
        case .onOff: value.boolValue.map { $0 ? "on" : "off" } ?? Self.word(value)
        case .commaList(let field):
            (value.arrayValue ?? [value]).map { item in Self.word(field.flatMap { item[$0] } ?? item) }.joined(
                separator: ",")
        case .keyValues(let keyField, let valueField):
            (value.arrayValue ?? []).map { "\(Self.word($0[keyField] ?? .null))=\(Self.word($0[valueField] ?? .null))" }
                .joined(separator: ",")
        }
    }

    func decode(_ raw: String) throws(CLIShape.ParseError) -> Value {
        switch encoding {
        case .text:
            return Self.scalar(raw)
        case .prefixed(let prefix):
            guard raw.hasPrefix(prefix) else {
                throw CLIShape.ParseError(message: "expected '\(prefix)…' for \(parameter), found '\(raw)'")
            }
            return .string(String(raw.dropFirst(prefix.count)))
        case .onOff:
            switch raw {
            case "on": return true
            case "off": return false
            default: throw CLIShape.ParseError(message: "expected on or off, found '\(raw)'")
            }
        case .commaList(let field):
            return .array(
                raw.split(separator: ",").map { piece in
                    field.map { Value.object(Fields([Fields.Entry(key: $0, value: .string(String(piece)))])) }
                        ?? .string(String(piece))
                })
        case .keyValues(let keyField, let valueField):
            var items: [Value] = []
            for pair in raw.split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, !kv[0].isEmpty else {
                    throw CLIShape.ParseError(message: "expected KEY=VALUE pairs separated by commas, found '\(pair)'")
                }
                items.append(
                    .object(
                        Fields([
                            Fields.Entry(key: keyField, value: .string(kv[0])),
                            Fields.Entry(key: valueField, value: .string(kv[1])),
                        ])))
            }
            return .array(items)
        }
    }

    /// `true`/`false` read as booleans and digits as integers, as the CLIs read them; anything else is a word.
    static func scalar(_ raw: String) -> Value {
        switch raw {
        case "true": .bool(true)
        case "false": .bool(false)
        default: Int(raw).map(Value.int) ?? .string(raw)
        }
    }

    static func word(_ value: Value) -> String {
        switch value {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        default: value.jsonText
        }
    }
}
