import CloudModel

/// A list of filters compiled once into a flat program of plain instructions, evaluated by
/// index: the "prepare once, evaluate many" step that makes a scan cheap.
///
/// Walking the `Filter` tree itself retains and releases every node it passes (each enum
/// payload is a reference), which cost more than the tests did. The program holds nothing but
/// plain data; the few objects it refers to (value filters, quantifiers) are kept alive by the
/// program and read without reference counting.
package struct CompiledFilters: Sendable {
    enum Code: UInt8 {
        case and, or, not, value, any, all, none, check
    }

    struct Instruction {
        var code: Code
        /// Children of and/or/not; filters of a quantifier's `where`.
        var count: UInt32
        /// Instructions in this subtree, itself included.
        var size: UInt32
        /// Index into `values` or `quantifiers`.
        var operand: UInt32
    }

    /// The program behind one reference, its parts in buffers of its own: a scan reads a program
    /// per policy per resource, and a program of four arrays cost four retains and releases on
    /// every read (a sixth of a scan), where this costs none when read in place and one when copied.
    final class Program: @unchecked Sendable {
        // @unchecked: immutable after init; the unmanaged references point at immutable, Sendable
        // objects that `owners` keeps alive for as long as the program exists.
        let instructions: UnsafeMutableBufferPointer<Instruction>
        let values: UnsafeMutableBufferPointer<Unmanaged<ValueFilter>>
        let quantifiers: UnsafeMutableBufferPointer<Unmanaged<Quantifier>>
        let checks: [ResourceCheck]
        private let owners: [AnyObject]

        init(_ builder: Builder) {
            instructions = .allocate(capacity: builder.instructions.count)
            _ = instructions.initialize(from: builder.instructions)
            values = .allocate(capacity: builder.values.count)
            _ = values.initialize(from: builder.values.map { Unmanaged.passUnretained($0) })
            quantifiers = .allocate(capacity: builder.quantifiers.count)
            _ = quantifiers.initialize(from: builder.quantifiers.map { Unmanaged.passUnretained($0) })
            checks = builder.checks
            owners = builder.values as [AnyObject] + builder.quantifiers as [AnyObject]
        }

        deinit {
            instructions.deallocate()
            values.deallocate()
            quantifiers.deallocate()
        }
    }

    let program: Program

    /// Compiles `filters`, read as "all of these".
    package init(_ filters: [Filter]) {
        var builder = Builder()
        builder.emit(.and, filters)
        program = Program(builder)
    }

    struct Builder {
        var instructions: ContiguousArray<Instruction> = []
        var values: [ValueFilter] = []
        var quantifiers: [Quantifier] = []
        var checks: [ResourceCheck] = []

        mutating func emit(_ code: Code, _ children: [Filter], operand: UInt32 = 0) {
            let index = instructions.count
            instructions.append(Instruction(code: code, count: UInt32(children.count), size: 1, operand: operand))
            for child in children { emit(child) }
            instructions[index].size = UInt32(instructions.count - index)
        }

        mutating func emit(_ filter: Filter) {
            switch filter {
            case .and(let fs): emit(.and, fs)
            case .or(let fs): emit(.or, fs)
            case .not(let fs): emit(.not, fs)
            case .value(let vf):
                values.append(vf)
                instructions.append(Instruction(code: .value, count: 0, size: 1, operand: UInt32(values.count - 1)))
            case .quantifier(let q):
                quantifiers.append(q)
                let code: Code =
                    switch q.mode {
                    case .any: .any
                    case .all: .all
                    case .none: .none
                    }
                emit(code, q.filters, operand: UInt32(quantifiers.count - 1))
            case .check(let c):
                checks.append(c)
                instructions.append(Instruction(code: .check, count: 0, size: 1, operand: UInt32(checks.count - 1)))
            }
        }
    }

    /// True when the program holds at node `node` of `view`.
    func holds(_ evaluator: Evaluator, _ view: FlatView, _ node: Int, _ tags: [String: String]) -> Bool {
        run(UnsafeBufferPointer(program.instructions), 0, evaluator, view, node, tags)
    }

    private func run(
        _ code: UnsafeBufferPointer<Instruction>, _ pc: Int, _ evaluator: Evaluator, _ view: FlatView, _ node: Int,
        _ tags: [String: String]
    ) -> Bool {
        let instruction = code[pc]
        switch instruction.code {
        case .and, .not:
            let all = runAll(code, pc, evaluator, view, node, tags)
            return instruction.code == .and ? all : !all
        case .or:
            var child = pc + 1
            for _ in 0..<instruction.count {
                if run(code, child, evaluator, view, node, tags) { return true }
                child += Int(code[child].size)
            }
            return false
        case .value:
            return program.values[Int(instruction.operand)]._withUnsafeGuaranteedRef { vf in
                evaluator.test(vf, view, node, tags)
            }
        case .check:
            return evaluator.test(program.checks[Int(instruction.operand)], view, node, tags)
        case .any, .all, .none:
            return program.quantifiers[Int(instruction.operand)]._withUnsafeGuaranteedRef { q in
                switch q.path.resolve(in: view, from: node) {
                case .missing:
                    return instruction.code == .none
                case .node(let list):
                    guard view.kind(list) == .array else { return instruction.code == .none }
                    return quantify(code, pc, view.children(list), evaluator, view, tags)
                case .projection(let items):
                    return quantify(code, pc, items, evaluator, view, tags)
                }
            }
        }
    }

    /// True when every child of instruction `pc` holds.
    private func runAll(
        _ code: UnsafeBufferPointer<Instruction>, _ pc: Int, _ evaluator: Evaluator, _ view: FlatView, _ node: Int,
        _ tags: [String: String]
    ) -> Bool {
        var child = pc + 1
        for _ in 0..<code[pc].count {
            if !run(code, child, evaluator, view, node, tags) { return false }
            child += Int(code[child].size)
        }
        return true
    }

    private func quantify(
        _ code: UnsafeBufferPointer<Instruction>, _ pc: Int, _ items: some Sequence<Int>, _ evaluator: Evaluator,
        _ view: FlatView,
        _ tags: [String: String]
    ) -> Bool {
        switch code[pc].code {
        case .any:
            for item in items where runAll(code, pc, evaluator, view, item, tags) { return true }
            return false
        case .all:
            var any = false
            for item in items {
                guard runAll(code, pc, evaluator, view, item, tags) else { return false }
                any = true
            }
            return any
        default:
            for item in items where runAll(code, pc, evaluator, view, item, tags) { return false }
            return true
        }
    }
}
