import CloudModel
import Foundation
import Simulation

/// One item of an export's list, as read: its value, and where it is for the errors about it.
struct ExportItem {
    /// The item; for one read flat (`ExportReader.Use.flat`), only the members set aside.
    let value: Value
    /// For an object read flat: the item but for the members set aside, in the flat storage a
    /// resource's properties are held in.
    var flat: FlatValue? = nil
    /// The list it is in (`SecurityGroups`), nil for the items of a top-level list or of lines.
    let list: String?
    /// `SecurityGroups[3]`; empty for a line of newline-delimited JSON.
    let keyPath: String

    /// A problem with this item (or with a part of it: `at: "Instances[1]"`). The reader places
    /// it at the item's line and column.
    func error(_ message: String, at part: String = "") -> LoadError {
        let path = part.isEmpty ? keyPath : keyPath.isEmpty ? part : "\(keyPath).\(part)"
        return LoadError(file: ExportReader.unplaced, keyPath: path, message: message)
    }
}

/// Reads an export file (the JSON a cloud's CLI prints, or newline-delimited JSON) in one pass,
/// handing the items of its lists to the importer as they are read: only the file's bytes and the
/// item being read are held, never a tree of the document, so an import needs about the memory
/// of the file and what it imports. Syntax errors, duplicate keys and the importer's own
/// problems are placed at file:line:col with their key path.
struct ExportReader {
    /// What to do with a member of the file's top-level object.
    enum Use {
        /// A list whose items are handed over one by one.
        case items
        /// A list of objects whose items go straight into flat storage, but for the members
        /// `aside` names, which are handed over as values (`ExportItem.value`).
        case flat(aside: Set<String>)
        /// One object handed over as an item, its list being the member's key (`PasswordPolicy`).
        case single
        /// A list whose items are counted, not built (something the importer skips); a value
        /// that is not a list is read past and its key noted in `Summary.others`.
        case count
        /// Anything, kept whole in `Summary.kept` (small members the importer reads after).
        case keep
        /// Anything, read past.
        case ignore
    }

    /// The name standing for standard input among an import's files.
    package static let standardInput = "-"
    /// How errors name standard input.
    package static let standardInputName = "<standard input>"

    /// What the file's top level was, and what it held besides the items.
    struct Summary {
        enum Top { case object, list, lines }
        var top: Top
        /// The top-level object's keys, in order.
        var keys: [String] = []
        /// The lengths of the lists counted (`Use.count`).
        var counts: [(key: String, count: Int)] = []
        /// The keys of members read past under `Use.count` that were not lists.
        var others: [String] = []
        /// The members kept whole (`Use.keep`).
        var kept = Fields()
        let file: String
        fileprivate(set) var rootLine = 1
        fileprivate(set) var rootColumn = 1

        /// A problem with the file as a whole, placed where its value starts.
        func error(_ message: String) -> LoadError {
            LoadError(file: file, line: rootLine, column: rootColumn, message: message)
        }
    }

    /// Marks an item's error until the reader places it.
    static let unplaced = "\u{0}unplaced"

    /// Reads `file`. A top-level object's members are treated as `uses` says (`otherwise` when it
    /// does not name them); a top-level list hands over its items when `topList` is set;
    /// newline-delimited JSON objects are read as items when `lines` is set. Any other top level
    /// is refused as not `expecting`.
    static func read(
        file: String, expecting: String, topList: Bool = false, lines: Bool = false, uses: [String: Use],
        otherwise: Use,
        item: (ExportItem) throws(LoadError) -> Void
    ) throws(LoadError) -> Summary {
        try read(
            data: try readData(file), file: file, expecting: expecting, topList: topList, lines: lines, uses: uses,
            otherwise: otherwise, item: item)
    }

    /// The same, over the bytes of `file` read already (`readData`).
    static func read(
        data: Data, file: String, expecting: String, topList: Bool = false, lines: Bool = false,
        uses: [String: Use], otherwise: Use, item: (ExportItem) throws(LoadError) -> Void
    ) throws(LoadError) -> Summary {
        let file = displayName(file)
        guard data.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            throw LoadError(file: file, message: "the file is empty")
        }
        let read = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Result<Summary, LoadError> in
            var reader = JSONStreamReader(file: file, bytes: bytes, maxDepth: Limits.current.maxDepth)
            var summary = Summary(top: .object, file: file)
            var failure: LoadError?
            /// Hands one item over, placing what it throws; a problem the reader recorded in the
            /// item comes first.
            func handOver(
                _ value: Value, flat: FlatValue? = nil, list: String?, at offset: Int, reader: inout JSONStreamReader
            )
                throws(JSONStreamReader.Stop)
            {
                guard reader.problems.isEmpty else { throw JSONStreamReader.Stop() }
                do throws(LoadError) {
                    try item(ExportItem(value: value, flat: flat, list: list, keyPath: reader.keyPath))
                } catch {
                    failure =
                        error.file == unplaced
                        ? reader.problem(error.message, at: offset, keyPath: error.keyPath) : error
                    throw JSONStreamReader.Stop()
                }
            }
            /// Hands over each element of the list at the reader, straight into flat storage when
            /// `aside` says which members to set aside.
            func items(of list: String?, depth: Int, aside: Set<String>?, reader: inout JSONStreamReader)
                throws(JSONStreamReader.Stop)
            {
                guard reader.current == UInt8(ascii: "[") else {
                    throw reader.refuse("expected a list", at: reader.index)
                }
                try reader.elements(depth: depth) { reader, i throws(JSONStreamReader.Stop) in
                    reader.path.append(.index(i))
                    defer { reader.path.removeLast() }
                    let at = reader.index
                    if let aside, reader.current == UInt8(ascii: "{") {
                        let (flat, setAside) = try reader.flatObject(depth: depth + 1, aside: aside)
                        try handOver(.object(setAside), flat: flat, list: list, at: at, reader: &reader)
                    } else {
                        try handOver(try reader.value(depth: depth + 1), list: list, at: at, reader: &reader)
                    }
                }
            }
            do throws(JSONStreamReader.Stop) {
                reader.skipSpace()
                let root = reader.problem("", at: reader.index)
                summary.rootLine = root.line ?? 1
                summary.rootColumn = root.column ?? 1
                switch reader.current {
                case UInt8(ascii: "{") where lines:
                    summary.top = .lines
                    while reader.index < bytes.count {
                        let at = reader.index
                        guard reader.current == UInt8(ascii: "{") else {
                            throw reader.stop("expected one JSON object per line")
                        }
                        let value = try reader.value(depth: 1)
                        try handOver(value, list: nil, at: at, reader: &reader)
                        // The rest of the line is blank; then any blank lines.
                        while let b = reader.current, b == 0x20 || b == 0x09 || b == 0x0D { reader.index += 1 }
                        if let b = reader.current, b != 0x0A { throw reader.stop("expected one JSON object per line") }
                        reader.skipSpace()
                    }
                case UInt8(ascii: "{"):
                    try reader.members(depth: 1) { reader, key, keyOffset throws(JSONStreamReader.Stop) in
                        summary.keys.append(key)
                        reader.path.append(.key(key))
                        defer { reader.path.removeLast() }
                        switch uses[key] ?? otherwise {
                        case .ignore:
                            try reader.skipValue(depth: 2)
                        case .count:
                            guard reader.current == UInt8(ascii: "[") else {
                                summary.others.append(key)
                                _ = try reader.skipValue(depth: 2)
                                return
                            }
                            summary.counts.append((key, try reader.skipValue(depth: 2)))
                        case .keep:
                            summary.kept[key] = try reader.value(depth: 2)
                        case .single:
                            let at = reader.index
                            try handOver(try reader.value(depth: 2), list: key, at: at, reader: &reader)
                        case .items:
                            try items(of: key, depth: 2, aside: nil, reader: &reader)
                        case .flat(let aside):
                            try items(of: key, depth: 2, aside: aside, reader: &reader)
                        }
                    }
                case UInt8(ascii: "[") where topList:
                    summary.top = .list
                    try items(of: nil, depth: 1, aside: nil, reader: &reader)
                default:
                    throw reader.refuse("expected \(expecting)", at: reader.index)
                }
                reader.skipSpace()
                if reader.index < bytes.count { throw reader.stop("unexpected text after the JSON value") }
                guard reader.problems.isEmpty else { throw JSONStreamReader.Stop() }
            } catch {
                return .failure(
                    failure ?? reader.problems.sorted.first ?? LoadError(file: file, message: "cannot read the file"))
            }
            return .success(summary)
        }
        return try read.get()
    }

    /// How messages name `file`.
    static func displayName(_ file: String) -> String { file == standardInput ? standardInputName : file }

    /// The bytes of `file`, or of standard input when it is `standardInput` (`-`), either bounded
    /// by the file size limit.
    static func readData(_ file: String) throws(LoadError) -> Data {
        guard file == standardInput else { return try YAMLNode.readData(file: file) }
        let limit = Limits.current.maxFileBytes
        var data = Data()
        while true {
            let chunk = FileHandle.standardInput.readData(ofLength: 1 << 16)
            if chunk.isEmpty { break }
            data.append(chunk)
            if data.count > limit { try YAMLNode.checkSize(data.count, file: standardInputName, limits: .current) }
        }
        return data
    }
}
