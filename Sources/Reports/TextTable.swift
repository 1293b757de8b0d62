/// Left-aligned columns padded to their widest cell, for terminal listings.
package struct TextTable: Sendable {
    package var header: [String]
    package var rows: [[String]] = []

    package init(header: [String]) { self.header = header }

    package mutating func append(_ row: [String]) { rows.append(row) }

    package func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
