/// Runs validated fields over the catalog and the libraries and builds `data`, keys in selection
/// order. Pure: it reads the immutable catalog and a copy of the libraries, so a query runs outside
/// the state actor (mutations: HCMutator, inside it).
struct HCExecutor {
    let source: HCSource
    let limits: FakeHardcoverLimits
    /// The `searchResultsAsString` fault: `results` serialised as a JSON string.
    var searchResultsAsString = false

    /// {"data": {...}} or a Hasura error found while running (a negative limit, distinct_on out of order).
    func run(_ plans: [HCPlan]) throws(HCGraphQLError) -> HCJSON {
        var members: [HCMember] = []
        members.reserveCapacity(plans.count)
        for plan in plans { members.append(HCMember(plan.key, try root(plan))) }
        return ["data": .object(members)]
    }

    private func root(_ plan: HCPlan) throws(HCGraphQLError) -> HCJSON {
        let children = plan.children ?? []
        switch plan.name {
        case "__typename":
            return .string(plan.parent)
        case "books_by_pk", "editions_by_pk", "user_books_by_pk", "user_book_reads_by_pk":
            let id = plan.arguments["id"]?.intValue ?? 0
            let row: HCRow? = switch plan.name {
            case "books_by_pk": tables.bookIndex[id].map(HCRow.book)
            case "editions_by_pk": tables.editionIndex[id].map(HCRow.edition)
            case "user_books_by_pk": source.userBookRow(id)
            default: source.readRow(id)
            }
            return try answer(row, children)
        case "me":
            return .array([try object(.user(source.viewer.id), children)])
        case "search":
            return try object(.search(search(plan.arguments)), children)
        default:
            let typeName = plan.type.name
            var rows: [HCRow]
            if let exp = plan.arguments["where"], let positions = tables.candidates(typeName, exp) {
                rows = positions.sorted().map { position in
                    typeName == "books" ? HCRow.book(position) : HCRow.edition(position)
                }
            } else {
                rows = source.allRows(of: typeName)
            }
            return try array(rows, plan)
        }
    }

    var tables: FakeHardcoverCatalog.Tables { source.tables }

    /// An object field's answer: the row's selected fields, or null.
    func answer(_ row: HCRow?, _ plans: [HCPlan]) throws(HCGraphQLError) -> HCJSON {
        try row.map { row throws(HCGraphQLError) in try object(row, plans) } ?? .null
    }

    private func object(_ row: HCRow, _ plans: [HCPlan]) throws(HCGraphQLError) -> HCJSON {
        var members: [HCMember] = []
        members.reserveCapacity(plans.count)
        for plan in plans { members.append(HCMember(plan.key, try field(plan, of: row))) }
        return .object(members)
    }

    private func field(_ plan: HCPlan, of row: HCRow) throws(HCGraphQLError) -> HCJSON {
        if plan.name == "__typename" { return .string(row.typeName) }
        if let relation = source.relation(plan.name, of: row) {
            switch relation {
            case .object(let other):
                return try other.map { other throws(HCGraphQLError) in try object(other, plan.children ?? []) } ?? .null
            case .array(let rows):
                return try array(rows, plan)
            }
        }
        guard let value = source.column(plan.name, of: row) else { return .null }
        if let path = plan.arguments["path"]?.stringValue { return Self.select(path, in: value) }
        return value
    }

    /// A list field: where, order_by, distinct_on, offset, limit (at most `limits.maxRows`).
    private func array(_ rows: [HCRow], _ plan: HCPlan) throws(HCGraphQLError) -> HCJSON {
        var rows = rows
        if let exp = plan.arguments["where"] { rows = rows.filter { source.matches($0, exp) } }
        let keys = FakeHardcoverCatalog.Tables.sortKeys(plan.arguments["order_by"])
        rows = source.sorted(rows, by: keys)
        if let distinct = plan.arguments["distinct_on"]?.listValues.compactMap(\.stringValue), !distinct.isEmpty {
            let leading = keys.prefix(distinct.count).map(\.column)
            guard keys.isEmpty || Set(leading) == Set(distinct) else {
                throw HCGraphQLError(message: "\"distinct_on\" columns must match initial \"order_by\" columns",
                                     path: plan.path + ".args")
            }
            rows = source.distinct(rows, on: distinct)
        }
        let offset = plan.arguments["offset"]?.intValue ?? 0
        let limit = plan.arguments["limit"]?.intValue ?? limits.maxRows
        guard offset >= 0, limit >= 0 else {
            throw HCGraphQLError(message: "unexpected negative value", path: plan.path + ".args." + (offset < 0 ? "offset" : "limit"))
        }
        let start = min(offset, rows.count)
        let end = min(rows.count, start + min(limit, limits.maxRows))
        var values: [HCJSON] = []
        values.reserveCapacity(end - start)
        for row in rows[start..<end] { values.append(try object(row, plan.children ?? [])) }
        return .array(values)
    }

    /// Hasura's `path` argument of json columns: "$.Genre[0].tag", "Genre" (keys and [n] indexes).
    static func select(_ path: String, in value: HCJSON) -> HCJSON {
        var rest = Substring(path)
        if rest.hasPrefix("$") { rest = rest.dropFirst() }
        var current = value
        var key = ""
        func step() {
            guard !key.isEmpty else { return }
            current = current[key] ?? .null
            key = ""
        }
        var chars = rest.makeIterator()
        while let c = chars.next() {
            switch c {
            case ".": step()
            case "[":
                step()
                var digits = ""
                while let d = chars.next(), d != "]" { digits.append(d) }
                if case .array(let values) = current, let n = Int(digits), values.indices.contains(n) {
                    current = values[n]
                } else {
                    current = .null
                }
            default: key.append(c)
            }
        }
        step()
        return current
    }
}
