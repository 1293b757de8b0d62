import CloudModel

/// How an `az`, `gcloud` or `gsutil` command writes an operation: the program, the command words,
/// and what each argument carries. One shape renders a call as a command and reads a command
/// template back into a call.
package struct CLIShape: Sendable {
    package let program: String
    /// `["storage", "account", "update"]`
    package let command: [String]
    package let arguments: [CLIArgument]

    package init(_ program: String, _ command: [String], _ arguments: [CLIArgument]) {
        self.program = program
        self.command = command
        self.arguments = arguments
    }

    /// `az storage account update`
    package var commandLine: String { ([program] + command).joined(separator: " ") }

    /// Parameter paths of `parameters` no argument carries: such a call cannot be written as this
    /// command, so a policy giving them is refused at load.
    package func uncoveredParameters(_ parameters: Value) -> [String] {
        let covered = Set(arguments.map(\.parameter))
        var out: [String] = []
        func walk(_ value: Value, _ path: String) {
            if covered.contains(path) { return }
            if case .object(let fields) = value, !fields.isEmpty {
                for entry in fields.entries { walk(entry.value, path.isEmpty ? entry.key : path + "." + entry.key) }
            } else if !path.isEmpty {
                out.append(path)
            }
        }
        walk(parameters, "")
        return out
    }
}

/// One argument of a command and the parameter it carries.
package struct CLIArgument: Sendable {
    package enum Form: Sendable, Equatable {
        /// A word in its place: `NAME`, `gs://BUCKET`.
        case positional
        /// `--name VALUE` (also `--name=VALUE`).
        case option(String)
        /// A boolean as a switch: `--disabled` true, `--no-disabled` false (gcloud).
        case toggle(String)
        /// A list as a repeated option: `-d allUsers -d allAuthenticatedUsers` (gsutil).
        case repeated(String)
        /// A list as the words after one option, up to the next option: `--destination-port-ranges
        /// 22 80-90` (az). Each word is a string.
        case words(String)

        /// Whether the flag is followed by a value (every form but a switch).
        var takesValue: Bool {
            if case .toggle = self { return false }
            return true
        }
    }

    /// How the parameter's value is written.
    package enum Encoding: Sendable, Equatable {
        /// The value as a word; `true`/`false` read as booleans, digits as integers.
        case text
        /// A word after a fixed prefix: `gs://` before a bucket name.
        case prefixed(String)
        /// `on` / `off` for a boolean (gsutil).
        case onOff
        /// `a,b,c` for a list of words, or of objects each holding one `field` (`cidrBlock`).
        case commaList(field: String?)
        /// `k=v,k2=v2` for a list of `{keyField: k, valueField: v}` objects (GCE metadata items).
        case keyValues(keyField: String, valueField: String)
    }

    package let form: Form
    /// The parameter path (`body.properties.supportsHttpsTrafficOnly`).
    package let parameter: String
    let path: ValuePath
    package let encoding: Encoding
    /// Other spellings of the flag the program takes (`--zone` for `--location`); a call is
    /// written with the flag itself.
    package let alsoWritten: [String]

    package init(_ form: Form, _ parameter: String, _ encoding: Encoding = .text, also alsoWritten: [String] = []) {
        self.form = form
        self.parameter = parameter
        // The catalog's paths are plain dotted keys; a key with a dot in it would be one key.
        self.path =
            (try? ValuePath(parsing: parameter))
            ?? ValuePath(components: [.key(parameter)], description: parameter)
        self.encoding = encoding
        self.alsoWritten = alsoWritten
    }

    /// The flag and its other spellings; none for a positional argument.
    package var flags: [String] { flag.map { [$0] + alsoWritten } ?? [] }

    /// The flag as written (`--disabled`), nil for a positional argument.
    package var flag: String? {
        switch form {
        case .positional: nil
        case .option(let f), .toggle(let f), .repeated(let f), .words(let f): f
        }
    }

    package static func positional(_ parameter: String, _ encoding: Encoding = .text) -> CLIArgument {
        CLIArgument(.positional, parameter, encoding)
    }
    package static func option(
        _ flag: String, _ parameter: String, _ encoding: Encoding = .text, also alsoWritten: [String] = []
    ) -> CLIArgument {
        CLIArgument(.option(flag), parameter, encoding, also: alsoWritten)
    }
    package static func toggle(_ flag: String, _ parameter: String) -> CLIArgument {
        CLIArgument(.toggle(flag), parameter)
    }
    package static func repeated(_ flag: String, _ parameter: String) -> CLIArgument {
        CLIArgument(.repeated(flag), parameter)
    }
    package static func words(_ flag: String, _ parameter: String) -> CLIArgument {
        CLIArgument(.words(flag), parameter)
    }
}
