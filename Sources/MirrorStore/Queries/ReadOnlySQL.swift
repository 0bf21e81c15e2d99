/// What `query` may run, decided before SQLite prepares anything: SQLite applies a PRAGMA that
/// sets something (`PRAGMA query_only = 0`, `PRAGMA hard_heap_limit = 1`) while it prepares it,
/// before `sqlite3_stmt_readonly` can be asked, and a second statement after the first is
/// prepared too when one checks that there is none.
///
/// So the SQL is split into tokens the way SQLite's tokenizer does (strings, quoted names,
/// comments, `$name(…)` parameters), and only its first statement reaches SQLite; then:
/// - a statement that writes (INSERT … ANALYZE) or controls transactions (BEGIN … RELEASE) is
///   refused;
/// - a PRAGMA is refused when it sets something (`= value`, or `(value)` for a pragma that does
///   not name a thing to inspect), or acts rather than reads (optimize, wal_checkpoint, …);
/// - what is left is refused when SQLite says it writes (`sqlite3_stmt_readonly`), except the
///   question `PRAGMA journal_mode`, which SQLite counts as a write whether it sets or asks.
struct ReadOnlySQL: Equatable {
    enum Verdict: Equatable {
        case read
        case write
        case severalStatements
    }

    /// The first statement, from its first token to its last: without the `;` that ends it.
    var first: String
    var verdict: Verdict
    /// `PRAGMA [schema.]journal_mode` without a value: a read that SQLite reports as a write.
    var asksJournalMode: Bool

    static let writes: Set<String> = ["INSERT", "UPDATE", "DELETE", "REPLACE", "DROP", "CREATE", "ALTER", "VACUUM",
                                      "REINDEX", "ANALYZE"]
    static let transactionControl: Set<String> = ["BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"]
    /// Pragmas whose argument names what to inspect (a table, an index, a count of errors).
    static let inspectors: Set<String> = ["table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list",
                                          "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check"]
    /// Pragmas that do something even without a value.
    static let actions: Set<String> = ["optimize", "shrink_memory", "incremental_vacuum", "wal_checkpoint"]

    init(_ sql: String) {
        let tokens = SQLTokenizer.tokens(sql)
        // Empty statements before the first are nothing.
        let start = tokens.firstIndex { $0.kind != .semicolon } ?? tokens.endIndex
        let end = tokens[start...].firstIndex { $0.kind == .semicolon } ?? tokens.endIndex
        let statement = tokens[start..<end]
        let rest = tokens[end...]
        first = statement.isEmpty ? "" : SQLTokenizer.text(sql, statement.first!.range.lowerBound..<statement.last!.range.upperBound)
        asksJournalMode = false
        defer {
            // A write is refused as such, even when something follows (a trigger's body has `;`).
            if verdict == .read, rest.contains(where: { $0.kind != .semicolon }) { verdict = .severalStatements }
        }
        var words = statement[...]
        if words.first?.word == "EXPLAIN" {
            words = words.dropFirst()
            if words.first?.word == "QUERY" { words = words.dropFirst(words.dropFirst().first?.word == "PLAN" ? 2 : 1) }
        }
        // "(DELETE …" is no statement, but it says what it attempted.
        let verb = words.first { !($0.kind == .punctuation && SQLTokenizer.text(sql, $0.range) == "(") }?.word ?? ""
        if Self.writes.contains(verb) || Self.transactionControl.contains(verb) {
            verdict = .write
        } else if verb == "PRAGMA" {
            switch Self.pragma(Array(words.dropFirst()), in: sql) {
            case nil: verdict = .write
            case let (name, hasValue)?:
                if Self.actions.contains(name) || (hasValue && !Self.inspectors.contains(name)) {
                    verdict = .write
                } else {
                    verdict = .read
                    asksJournalMode = name == "journal_mode" && !hasValue
                }
            }
        } else {
            verdict = .read
        }
    }

    /// The pragma's name (lower-cased, unquoted) and whether it is given a value; nil when the
    /// statement has a shape this does not know (it is then refused).
    private static func pragma(_ tokens: [SQLTokenizer.Token], in sql: String) -> (name: String, hasValue: Bool)? {
        var i = 0
        func name() -> String? {
            guard i < tokens.count else { return nil }
            let t = tokens[i]
            i += 1
            switch t.kind {
            case .word: return SQLTokenizer.text(sql, t.range).lowercased()
            case .quoted: return String(SQLTokenizer.text(sql, t.range).dropFirst().dropLast()).lowercased()
            default: return nil
            }
        }
        guard var pragma = name() else { return nil }
        if i < tokens.count, tokens[i].kind == .punctuation, SQLTokenizer.text(sql, tokens[i].range) == "." {
            i += 1
            guard let second = name() else { return nil }
            pragma = second
        }
        guard i < tokens.count else { return (pragma, false) }
        let next = SQLTokenizer.text(sql, tokens[i].range)
        guard tokens[i].kind == .punctuation, next == "=" || next == "(" else { return nil }
        return (pragma, true)
    }
}

/// SQLite's tokenizer, as far as where tokens begin and end: white space, `--` and `/* */`
/// comments, 'strings' (and X'blobs'), "names", [names] and `names`, parameters (?1, :name,
/// @name, #name, $name, with Tcl's `$name(…)` and `::`), words, numbers, `;` and the rest.
enum SQLTokenizer {
    enum Kind: Equatable { case word, quoted, string, parameter, number, semicolon, punctuation }

    struct Token: Equatable {
        var kind: Kind
        var range: Range<String.Index>
        /// The upper-cased text of a word.
        var word: String?
    }

    static func tokens(_ sql: String) -> [Token] {
        let utf8 = sql.utf8
        var out: [Token] = []
        var i = utf8.startIndex
        func byte(_ j: String.Index) -> UInt8? { j < utf8.endIndex ? utf8[j] : nil }
        func next(_ j: String.Index) -> String.Index { utf8.index(after: j) }
        func isIdChar(_ b: UInt8) -> Bool {
            b >= 0x80 || b == UInt8(ascii: "_") || b == UInt8(ascii: "$") || (b >= 0x30 && b <= 0x39)
                || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D }
        /// Up to and past `close`, a doubled `close` being part of the text; to the end if none.
        func skipQuoted(from start: String.Index, close: UInt8, doubling: Bool) -> String.Index {
            var j = next(start)
            while let b = byte(j) {
                j = next(j)
                if b == close {
                    if doubling, byte(j) == close { j = next(j); continue }
                    return j
                }
            }
            return j
        }
        while let b = byte(i) {
            let start = i
            var kind = Kind.punctuation
            switch b {
            case _ where isSpace(b):
                i = next(i)
                while let c = byte(i), isSpace(c) { i = next(i) }
                continue
            case UInt8(ascii: "-") where byte(next(i)) == UInt8(ascii: "-"):
                while let c = byte(i), c != 0x0A { i = next(i) }
                continue
            case UInt8(ascii: "/") where byte(next(i)) == UInt8(ascii: "*"):
                i = next(next(i))
                while let c = byte(i), !(c == UInt8(ascii: "*") && byte(next(i)) == UInt8(ascii: "/")) { i = next(i) }
                if byte(i) != nil { i = next(next(i)) }
                continue
            case UInt8(ascii: ";"):
                kind = .semicolon
                i = next(i)
            case UInt8(ascii: "'"):
                kind = .string
                i = skipQuoted(from: i, close: UInt8(ascii: "'"), doubling: true)
            case UInt8(ascii: "\""), UInt8(ascii: "`"):
                kind = .quoted
                i = skipQuoted(from: i, close: b, doubling: true)
            case UInt8(ascii: "["):
                kind = .quoted
                i = skipQuoted(from: i, close: UInt8(ascii: "]"), doubling: false)
            case UInt8(ascii: "?"):
                kind = .parameter
                i = next(i)
                while let c = byte(i), c >= 0x30, c <= 0x39 { i = next(i) }
            case UInt8(ascii: "$"), UInt8(ascii: "@"), UInt8(ascii: ":"), UInt8(ascii: "#"):
                kind = .parameter
                i = next(i)
                var n = 0
                while let c = byte(i) {
                    if isIdChar(c) {
                        n += 1
                        i = next(i)
                    } else if c == UInt8(ascii: "("), n > 0 {
                        // Tcl: everything up to white space or ")".
                        i = next(i)
                        while let d = byte(i), !isSpace(d), d != UInt8(ascii: ")") { i = next(i) }
                        if byte(i) == UInt8(ascii: ")") { i = next(i) }
                        break
                    } else if c == UInt8(ascii: ":"), byte(next(i)) == UInt8(ascii: ":") {
                        i = next(next(i))
                    } else {
                        break
                    }
                }
            case _ where b >= 0x30 && b <= 0x39 || (b == UInt8(ascii: ".") && (byte(next(i)).map { $0 >= 0x30 && $0 <= 0x39 } ?? false)):
                kind = .number
                i = next(i)
                while let c = byte(i), isIdChar(c) || c == UInt8(ascii: ".") { i = next(i) }
            case _ where isIdChar(b):
                kind = .word
                i = next(i)
                while let c = byte(i), isIdChar(c) { i = next(i) }
            default:
                i = next(i)
            }
            let range = start..<i
            out.append(Token(kind: kind, range: range, word: kind == .word ? text(sql, range).uppercased() : nil))
        }
        return out
    }

    /// The text of a token's range (its ends are on scalars, not always on characters).
    static func text(_ sql: String, _ range: Range<String.Index>) -> String {
        String(decoding: sql.utf8[range], as: UTF8.self)
    }
}
