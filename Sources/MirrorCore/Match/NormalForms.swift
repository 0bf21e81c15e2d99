/// The normal forms of `MatchNormalize`, each computed once per text: scoring compares the same
/// texts again and again — an item's title and names against each of its candidates, a book's
/// against every item it is a candidate of, a name in every edition of a book — and folding
/// (Unicode decomposition, letter classes) costs far more than a dictionary lookup.
///
/// One instance serves one thread at a time (it is not Sendable). Each kind keeps at most `limit`
/// texts and starts again when full: a run over a large library stays small.
public final class NormalForms {
    public let limit: Int
    private var persons: [String: String] = [:]
    private var titles: [String: String] = [:]
    private var fullTitles: [String: String] = [:]
    private var series: [String: String] = [:]
    private var seriesTitles: [String: Bool] = [:]

    public init(limit: Int = 50_000) {
        self.limit = limit
    }

    /// `MatchNormalize.person`.
    public func person(_ name: String) -> String {
        memo(&persons, name) { MatchNormalize.person(name) }
    }

    /// `MatchNormalize.samePerson`.
    public func samePerson(_ a: String, _ b: String) -> Bool {
        MatchNormalize.samePerson(normal: person(a), person(b))
    }

    /// `MatchNormalize.title`.
    public func title(_ text: String) -> String {
        memo(&titles, text) { MatchNormalize.title(text) }
    }

    /// `MatchNormalize.fullTitle`.
    public func fullTitle(_ title: String, subtitle: String?) -> String {
        memo(&fullTitles, title + "\u{1F}" + (subtitle ?? "")) { MatchNormalize.fullTitle(title, subtitle: subtitle) }
    }

    /// `MatchNormalize.series`.
    public func series(_ name: String) -> String {
        memo(&series, name) { MatchNormalize.series(name) }
    }

    /// `Matcher.isSeriesTitle`.
    func isSeriesTitle(_ title: String, _ entries: [SeriesEntry]) -> Bool {
        let key = ([title] + entries.map(\.name)).joined(separator: "\u{1F}")
        return memo(&seriesTitles, key) { Matcher.isSeriesTitle(title, entries) }
    }

    private func memo<Value>(_ table: inout [String: Value], _ key: String, _ make: () -> Value) -> Value {
        if let known = table[key] { return known }
        let value = make()
        if table.count >= limit { table.removeAll(keepingCapacity: true) }
        table[key] = value
        return value
    }
}
