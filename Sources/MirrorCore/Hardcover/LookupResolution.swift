/// How an item's finished Hardcover lookup found its candidates (`hc_lookup.resolved_by`): by an
/// identifier, an exact title, a search, or not at all.
public enum LookupResolution: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case isbn, asin, title, search, none
}
