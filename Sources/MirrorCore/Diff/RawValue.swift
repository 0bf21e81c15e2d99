import Foundation

extension ItemMetadata {
    /// A field as AudiobookShelf holds it, not normalised: the year as the text it is, the language
    /// code as typed, names in the server's order, the description as its HTML (JSON, in the shape
    /// of `FieldValue.json`; nil when the field is empty). Push's conflict check and undo compare
    /// these, so a value that merely normalises to the base ("eng" for "English", a year typed as
    /// text) is not taken for the base and overwritten.
    public func raw(_ field: DiffField) -> String? {
        func text(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : FieldValue.text($0).json } }
        func list(_ l: [String]) -> String? { l.isEmpty ? nil : FieldValue.list(l).json }
        switch field {
        case .title: return text(title)
        case .subtitle: return text(subtitle)
        case .authors: return list(authors)
        case .narrators: return list(narrators)
        case .series: return series.isEmpty ? nil : FieldValue.series(series).json
        case .publishedYear: return text(publishedYear)
        case .publisher: return text(publisher)
        case .description: return text(descriptionHTML ?? descriptionPlain)
        case .isbn: return text(isbn)
        case .asin: return text(asin)
        case .language: return text(language)
        case .genres: return list(genres)
        }
    }
}
