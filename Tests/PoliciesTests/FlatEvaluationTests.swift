import CloudModel
import Testing

@testable import Policies

/// The evaluator reads flat values through compiled programs, with fast paths for scalars. This
/// differential test checks it against a plain walk of the `Value` tree, on thousands of random
/// resources and filters: the fast path must mean exactly what the definition says.
struct FlatEvaluationTests {
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ options: [T]) -> T { options[Int(next() % UInt64(options.count))] }
    }

    static let keys = ["a", "b", "c", "Ranges"]
    static let strings = [
        "", "tcp", "0.0.0.0/0", "10.0.0.0/8", "2025-01-01T00:00:00Z", "2025-12-31", "café", "cafe\u{301}", "-1",
    ]
    static let paths = ["a", "b", "b.c", "Ranges", "Ranges[].a", "Ranges[0].b", "Ranges[].b[].c", "c[1]", "missing.x"]

    func scalar(_ r: inout Random) -> Value {
        switch r.next() % 6 {
        case 0: .null
        case 1: .bool(r.next() % 2 == 0)
        case 2: .int(Int(r.next() % 7) - 3)
        case 3: .double(Double(Int(r.next() % 9) - 4) / 2)
        default: .string(r.pick(Self.strings))
        }
    }

    func value(_ r: inout Random, depth: Int) -> Value {
        guard depth > 0, r.next() % 3 != 0 else { return scalar(&r) }
        if r.next() % 2 == 0 {
            return .array((0..<Int(r.next() % 4)).map { _ in value(&r, depth: depth - 1) })
        }
        var f = Fields()
        for key in Self.keys where r.next() % 2 == 0 { f[key] = value(&r, depth: depth - 1) }
        return .object(f)
    }

    func filter(_ r: inout Random, depth: Int) -> Filter {
        let roll = depth > 0 ? r.next() % 8 : 7
        switch roll {
        case 0: return .and((0..<Int(r.next() % 3 + 1)).map { _ in filter(&r, depth: depth - 1) })
        case 1: return .or((0..<Int(r.next() % 3 + 1)).map { _ in filter(&r, depth: depth - 1) })
        case 2: return .not([filter(&r, depth: depth - 1)])
        case 3:
            let path =
                (try? ValuePath(parsing: r.pick(["Ranges", "b", "Ranges[].b"])))
                ?? ValuePath(components: [.key("b")], description: "b")
            return .quantifier(
                Quantifier(mode: r.pick(Quantifier.Mode.allCases), path: path, filters: [filter(&r, depth: depth - 1)]))
        default:
            let op = r.pick(FilterOp.allCases.filter { $0 != .regex })
            var v: Value = scalar(&r)
            if op == .in || op == .ni { v = .array((0..<Int(r.next() % 3 + 1)).map { _ in scalar(&r) }) }
            if v.isNull { v = .string(r.pick(Self.strings)) }
            let age = (op == .gt || op == .lt) && r.next() % 4 == 0
            let path =
                (try? ValuePath(parsing: r.pick(Self.paths))) ?? ValuePath(components: [.key("a")], description: "a")
            guard
                let vf = try? ValueFilter(
                    key: .property(path), op: op, value: age ? .int(Int(r.next() % 400)) : v,
                    valueType: age ? .age : .plain)
            else {
                return .value(
                    (try? ValueFilter(key: .property(path), op: .present)) ?? { fatalError("present needs no value") }()
                )
            }
            return .value(vf)
        }
    }

    /// The definition: walk the `Value` tree, and test with `Evaluator.test(_:_:)`.
    func reference(_ filter: Filter, _ scope: Value, _ e: Evaluator) -> Bool {
        switch filter {
        case .and(let fs): return fs.allSatisfy { reference($0, scope, e) }
        case .or(let fs): return fs.contains { reference($0, scope, e) }
        case .not(let fs): return !fs.allSatisfy { reference($0, scope, e) }
        case .value(let vf):
            guard case .property(let path) = vf.key else { return false }
            return e.test(vf, path.resolve(in: scope))
        case .quantifier(let q):
            guard case .array(let items)? = q.path.resolve(in: scope) else { return q.mode == .none }
            switch q.mode {
            case .any: return items.contains { item in q.filters.allSatisfy { reference($0, item, e) } }
            case .all:
                return !items.isEmpty && items.allSatisfy { item in q.filters.allSatisfy { reference($0, item, e) } }
            case .none: return !items.contains { item in q.filters.allSatisfy { reference($0, item, e) } }
            }
        case .check(let c): return c.holds(c.view(scope, tags: [:]), now: e.now)
        }
    }

    @Test func flatEvaluationAgreesWithTheDefinition() {
        var r = Random(state: 2026)
        let e = Evaluator(now: Timestamp(iso8601: "2026-01-01T00:00:00Z") ?? Timestamp(milliseconds: 0))
        var disagreements: [String] = []
        var matched = 0
        for _ in 0..<4000 {
            let props = value(&r, depth: 4)
            let props2: Value = props.objectValue == nil ? ["a": props] : props
            let f = filter(&r, depth: 3)
            let resource = Resource(id: "r", type: "aws.s3", account: "1", region: "r", properties: props2)
            #expect(resource.properties == props2, "flat encoding round-trips")
            let fast = e.holdsAll([f], resource: resource)
            if fast { matched += 1 }
            if fast != reference(f, props2, e), disagreements.count < 5 {
                disagreements.append("\(props2.jsonText): fast says \(fast)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(matched > 400 && matched < 3600, "the generated cases exercise both outcomes (\(matched) matched)")
    }
}
