import Foundation

/// Scores an item against its candidate books, explainably, in the manner of beets: named
/// penalties, each 0…1 and weighted; score = 1 − Σ(w·p)/Σ(w of the penalties that applied).
/// A penalty applies only when both sides have the value (an item without narrators is not
/// penalised for them).
public enum Matcher {
    /// `forms`: the normal forms seen so far; pass one across the items of a batch (one thread's)
    /// to compute each text's once.
    public static func match(_ item: MatchItem, candidates: [MatchCandidate], config: MatchConfig = MatchConfig(),
                             forms: NormalForms = NormalForms()) -> MatchResult {
        let ranked = candidates.map { score(item, $0, config: config, forms: forms) }.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.bookId < $1.bookId
        }
        return MatchResult(itemId: item.itemId, ranked: ranked, status: status(ranked, config: config))
    }

    static func status(_ ranked: [CandidateScore], config: MatchConfig) -> MatchStatus {
        guard let best = ranked.first else { return .unmatched }
        if best.score < config.weak { return .unmatched }
        let closeSecond = ranked.dropFirst().first.map { best.score - $0.score < config.closeSecond } ?? false
        return best.score >= config.strong && !closeSecond ? .auto : .needsReview
    }

    public static func score(_ item: MatchItem, _ candidate: MatchCandidate, config: MatchConfig = MatchConfig(),
                             forms: NormalForms = NormalForms()) -> CandidateScore {
        let book = candidate.book
        let edition = chooseEdition(item, candidate, forms: forms)
        var penalties: [Penalty] = []
        func add(_ kind: PenaltyKind, _ value: Double, _ note: String, weightFactor: Double = 1) {
            let w = config.weight(kind) * weightFactor
            guard w > 0 else { return }
            penalties.append(Penalty(kind: kind, value: min(1, max(0, value)), weight: w, note: note))
        }

        // Identifiers: any edition of the book carrying the item's ASIN or ISBN.
        if let agreed = identifierAgreement(item, book) {
            add(.identifiers, 0, agreed)
        } else if let differs = identifierDisagreement(item, book) {
            add(.identifiers, config.identifierMismatch, differs)
        }

        // Title: the better of the bare titles and the titles with their subtitles. A title that
        // is only the item's series and number ("The Maravel Novels, Book 3") says nothing more
        // than the series does: it is left to the series and position.
        if let title = item.title, !title.isEmpty, !forms.isSeriesTitle(title, item.series) {
            let bare = Distance.similarity(forms.title(title), forms.title(book.title))
            let full = Distance.similarity(forms.fullTitle(title, subtitle: item.subtitle),
                                           forms.fullTitle(book.title, subtitle: book.subtitle))
            let sim = max(bare, full)
            // An identifier names the very edition: a title that differs is then a translation or
            // a re-titled edition more often than another book, so it counts half.
            let identified = penalties.contains { $0.kind == .identifiers && $0.value == 0 }
            add(.title, 1 - sim, "\"\(title)\" vs \"\(book.title)\": \(percent(sim)) alike" + (identified && sim < 1 ? " (half weight: an identifier agrees)" : ""),
                weightFactor: identified ? 0.5 : 1)
        }

        // Authors: the share of names in common (Dice), person names compared in normal form.
        if !item.authors.isEmpty, !book.authors.isEmpty {
            let common = item.authors.filter { a in book.authors.contains { forms.samePerson(a, $0) } }.count
            let dice = 2 * Double(common) / Double(item.authors.count + book.authors.count)
            add(.authors, 1 - dice, "\(common) of \(item.authors.count) authors in common (\(book.authors.joined(separator: ", ")))")
        }

        let hasAudioEdition = book.editions.contains { $0.readingFormat == .audiobook }
        // Narrators: against the chosen edition's (Hardcover keeps them per edition).
        if !item.narrators.isEmpty, !hasAudioEdition {
            add(.narrators, config.missingAudioEvidence, "no audiobook edition on Hardcover to compare the narrators with")
        } else if !item.narrators.isEmpty, let edition, !edition.narrators.isEmpty {
            let common = item.narrators.filter { a in edition.narrators.contains { forms.samePerson(a, $0) } }.count
            let dice = 2 * Double(common) / Double(item.narrators.count + edition.narrators.count)
            add(.narrators, 1 - dice, "\(common) of \(item.narrators.count) narrators in common (\(edition.narrators.joined(separator: ", ")))")
        }

        // Series, and the position in it.
        if !item.series.isEmpty, !book.series.isEmpty {
            var best: (sim: Double, mine: SeriesEntry, theirs: HardcoverSeriesEntry)? = nil
            for mine in item.series {
                for theirs in book.series {
                    let sim = Distance.similarity(forms.series(mine.name), forms.series(theirs.name))
                    if best == nil || sim > best!.sim { best = (sim, mine, theirs) }
                }
            }
            if let best {
                add(.series, 1 - best.sim, "\"\(best.mine.name)\" vs \"\(best.theirs.name)\"")
                if best.sim >= 0.8, let a = MatchNormalize.sequence(best.mine.sequence), let b = best.theirs.position {
                    add(.sequence, a == b ? 0 : 1, "#\(number(a)) vs #\(number(b))")
                }
            }
        }

        // Duration: the chosen audio edition's, else the book's.
        if let mine = item.durationSeconds, mine > 0,
           let theirs = (edition?.audioSeconds ?? book.audioSeconds).map(Double.init), theirs > 0 {
            let off = abs(mine - theirs) / max(mine, theirs)
            add(.duration, off / config.durationTolerance, "\(hours(mine)) vs \(hours(theirs)) (\(percent(off)) off)")
        } else if let mine = item.durationSeconds, mine > 0, !hasAudioEdition {
            add(.duration, config.missingAudioEvidence, "no audiobook edition or length on Hardcover to compare \(hours(mine)) with")
        }

        // Year: audiobooks often come out a year or two after the print book.
        if let mine = item.publishedYear, let theirs = book.releaseYear {
            let gap = abs(mine - theirs)
            add(.year, gap <= 1 ? Double(gap) * 0.25 : min(1, 0.25 + Double(gap - 1) * 0.25), "\(mine) vs \(theirs)")
        }

        let weights = penalties.reduce(0) { $0 + $1.weight }
        let lost = penalties.reduce(0) { $0 + $1.weight * $1.value }
        let score = weights > 0 ? 1 - lost / weights : 0
        return CandidateScore(bookId: book.id, editionId: edition?.id, score: (score * 10_000).rounded() / 10_000,
                              penalties: penalties, methods: LookupMethod.allCases.filter { candidate.methods.contains($0) })
    }

    /// The edition to take data from: an audiobook edition when the book has one — the one an
    /// identifier matched, else the one with the item's ASIN, its narrators, the closest duration,
    /// the most readers; a print or ebook edition only when an identifier matched it and no
    /// audiobook edition exists.
    public static func chooseEdition(_ item: MatchItem, _ candidate: MatchCandidate, forms: NormalForms = NormalForms()) -> HardcoverEdition? {
        let audio = candidate.book.editions.filter { $0.readingFormat == .audiobook }
        guard !audio.isEmpty else {
            return candidate.book.editions.first { candidate.matchedEditionIds.contains($0.id) }
        }
        func key(_ e: HardcoverEdition) -> (Int, Int, Int, Double, Int, Int) {
            let matched = candidate.matchedEditionIds.contains(e.id) ? 1 : 0
            let asin = e.asin.map { item.asins.contains($0) } == true ? 1 : 0
            let narrators = item.narrators.filter { n in e.narrators.contains { forms.samePerson(n, $0) } }.count
            let duration: Double = {
                guard let mine = item.durationSeconds, let theirs = e.audioSeconds, mine > 0 else { return 0 }
                return -abs(mine - Double(theirs))
            }()
            let isDefault = e.id == candidate.book.defaultAudioEditionId ? 1 : 0
            return (matched, asin, narrators, duration, isDefault, e.usersCount)
        }
        return audio.max { key($0) < key($1) }
    }

    /// "The Maravel Novels, Book 3", "Korvath Mysteries 1.5": the series' name and a number.
    static func isSeriesTitle(_ title: String, _ series: [SeriesEntry]) -> Bool {
        let words = MatchNormalize.fold(title).split(separator: " ").map(String.init)
        let markers: Set<String> = ["series", "saga", "trilogy", "cycle", "chronicles", "novels", "books", "book", "volume", "vol",
                                    "part", "no", "reihe", "serie", "tome", "band"]
        return series.contains { entry in
            var name = MatchNormalize.fold(entry.name).split(separator: " ").map(String.init)
            if name.count > 1, ["the", "a", "an", "die", "der", "das", "le", "la", "les", "el"].contains(name[0]) { name.removeFirst() }
            guard !name.isEmpty else { return false }
            // Find the series' words at the start (after an article), then only numbers and markers.
            var rest = words
            if let first = rest.first, ["the", "a", "an", "die", "der", "das", "le", "la", "les", "el"].contains(first), rest.count > name.count {
                rest.removeFirst()
            }
            guard rest.count >= name.count, Array(rest.prefix(name.count)) == name else { return false }
            let tail = rest.dropFirst(name.count).filter { !markers.contains($0) }
            return tail.allSatisfy { Int($0) != nil || MatchNormalize.romanNumeral($0) != nil || MatchNormalize.spelledNumber($0) != nil }
        }
    }

    private static func identifierAgreement(_ item: MatchItem, _ book: HardcoverBook) -> String? {
        for e in book.editions {
            if let asin = e.asin, item.asins.contains(asin) { return "ASIN \(asin) = edition \(e.id)" }
            if let isbn = (e.isbn13 ?? e.isbn10).flatMap(Identifiers.isbn13), item.isbn13s.contains(isbn) {
                return "ISBN \(isbn) = edition \(e.id)"
            }
        }
        return nil
    }

    /// The item has an ASIN and the book's audiobook editions have others (another region, or another book).
    private static func identifierDisagreement(_ item: MatchItem, _ book: HardcoverBook) -> String? {
        guard let mine = item.asins.first else { return nil }
        let theirs = book.editions.filter { $0.readingFormat == .audiobook }.compactMap(\.asin)
        guard !theirs.isEmpty else { return nil }
        return "ASIN \(mine) not among the audiobook editions' (\(theirs.prefix(3).joined(separator: ", ")))"
    }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }

    static func number(_ x: Double) -> String { x.rounded() == x ? String(Int(x)) : String(x) }

    static func hours(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded())
        let m = minutes % 60
        return "\(minutes / 60)h\(m < 10 ? "0" : "")\(m)"
    }
}
