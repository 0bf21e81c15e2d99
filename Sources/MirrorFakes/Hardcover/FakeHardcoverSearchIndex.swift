/// Hardcover's book search (Typesense behind `search`), roughly: the query is tokenised (case and
/// diacritics folded); a book matches when its title, subtitle, author names and ISBNs contain the
/// query's tokens, each exactly or with one typo (tokens of 4+ letters), one token missing allowed
/// when the query has 3 or more. Hits rank by tokens matched, then exact matches, then users_count,
/// then id: plausible, not perfect (a popular book matching as many tokens comes first).
struct FakeHardcoverSearchIndex: Sendable {
    struct Hit: Sendable, Equatable {
        /// Position of the book in the catalog.
        var book: Int
        var matched: Int
        var exact: Int
    }

    /// token -> positions of the books that have it, ascending.
    private let postings: [String: [Int]]
    /// The distinct tokens by length, for typo look-ups.
    private let vocabularyByLength: [Int: [[Unicode.Scalar]]]
    private let usersCount: [Int]
    private let ids: [Int]

    init(books: [FakeHardcoverBook], editionsOfBook: [[Int]], editions: [FakeHardcoverEdition]) {
        var postings: [String: [Int]] = [:]
        for (n, book) in books.enumerated() {
            var text = [book.title, book.subtitle ?? ""]
            text += book.contributions.filter { $0.contribution == nil }.map(\.authorName)
            var tokens = Set(text.flatMap(FakeHardcoverText.tokens))
            for e in editionsOfBook[n] {
                if let isbn = editions[e].isbn13 { tokens.insert(isbn) }
                if let isbn = editions[e].isbn10 { tokens.insert(isbn.lowercased()) }
            }
            for token in tokens { postings[token, default: []].append(n) }
        }
        self.postings = postings
        var byLength: [Int: [[Unicode.Scalar]]] = [:]
        for token in postings.keys {
            let scalars = Array(token.unicodeScalars)
            byLength[scalars.count, default: []].append(scalars)
        }
        vocabularyByLength = byLength
        usersCount = books.map(\.usersCount)
        ids = books.map(\.id)
    }

    /// Every matching book, best first.
    func search(_ query: String) -> [Hit] {
        var seen = Set<String>()
        let tokens = FakeHardcoverText.tokens(query).filter { seen.insert($0).inserted }
        guard !tokens.isEmpty else { return [] }
        var exact: [Int: Int] = [:]
        var typo: [Int: Int] = [:]
        for token in tokens {
            let exactBooks = postings[token] ?? []
            for b in exactBooks { exact[b, default: 0] += 1 }
            guard token.unicodeScalars.count >= 4 else { continue }
            // A book counts a token once: exact, else through its first near token.
            var near = Set<Int>()
            for candidate in nearTokens(token) {
                for b in postings[candidate] ?? [] { near.insert(b) }
            }
            for b in near.subtracting(exactBooks) { typo[b, default: 0] += 1 }
        }
        let required = tokens.count >= 3 ? tokens.count - 1 : tokens.count
        var hits: [Hit] = []
        for b in Set(exact.keys).union(typo.keys) {
            let e = exact[b] ?? 0
            let matched = e + (typo[b] ?? 0)
            if matched >= required { hits.append(Hit(book: b, matched: matched, exact: e)) }
        }
        hits.sort { a, b in
            if a.matched != b.matched { return a.matched > b.matched }
            if a.exact != b.exact { return a.exact > b.exact }
            if usersCount[a.book] != usersCount[b.book] { return usersCount[a.book] > usersCount[b.book] }
            return ids[a.book] < ids[b.book]
        }
        return hits
    }

    /// Tokens of the vocabulary one edit (insertion, deletion, substitution) away.
    private func nearTokens(_ token: String) -> [String] {
        let scalars = Array(token.unicodeScalars)
        var result: [String] = []
        for length in (scalars.count - 1)...(scalars.count + 1) {
            for candidate in vocabularyByLength[length] ?? [] where Self.oneEditApart(scalars, candidate) {
                var text = ""
                text.unicodeScalars.append(contentsOf: candidate)
                result.append(text)
            }
        }
        return result
    }

    static func oneEditApart(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
        if a.count == b.count {
            var differences = 0
            for i in a.indices where a[i] != b[i] {
                differences += 1
                if differences > 1 { return false }
            }
            return differences == 1
        }
        let (short, long) = a.count < b.count ? (a, b) : (b, a)
        guard long.count - short.count == 1 else { return false }
        var i = 0, j = 0, skipped = false
        while i < short.count, j < long.count {
            if short[i] == long[j] {
                i += 1
                j += 1
            } else {
                if skipped { return false }
                skipped = true
                j += 1
            }
        }
        return true
    }
}
