import Foundation
import Testing
@testable import Loading
import Policies

@Test func tmpPrismaMeasure() throws {
    guard let dir = ProcessInfo.processInfo.environment["PRISMA_DIR"] else { return }
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    var out = ""
    for name in names where name.hasSuffix(".json") {
        let file = dir + "/" + name
        let (policies, problems) = PolicyLoader.loadReportingAll(file: file, source: file)
        if let p = policies.first {
            out += "OK\t\(p.remediation == nil ? "norem" : "rem")\t\(name)\t\(p.notes.joined(separator: " | "))\n"
        } else {
            out += "REFUSED\t\(name)\t\(problems.first.map { "\($0.line ?? 0):\($0.column ?? 0) \($0.message)" } ?? "")\n"
        }
    }
    try out.write(toFile: "/tmp/prisma-measure.txt", atomically: true, encoding: .utf8)
}
