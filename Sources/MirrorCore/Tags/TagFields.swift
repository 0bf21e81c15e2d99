/// The tag fields shown in the `file_tags` view: for each, the first key that has a value, in
/// priority order. Several values of one key are joined with "; ". Keys are TagLib PropertyMap
/// names; MP4 freeform atoms and ID3v2 TXXX frames appear under their own names (ASIN, SERIES...).
public struct TagFields: Sendable, Equatable {
    public var title: String?
    public var subtitle: String?
    public var artist: String?
    public var album: String?
    public var albumArtist: String?
    public var composer: String?
    public var genre: String?
    public var year: Int?
    public var series: String?
    public var seriesPart: String?
    public var asin: String?
    public var isbn: String?
    public var language: String?
    public var publisher: String?
    public var description: String?
    /// GROUPING (ID3 `GRP1`, MP4 `©grp`): some taggers keep the series there. Not a column of its
    /// own (it is in `all_tags`), but AudiobookShelf falls back on it for the series.
    public var grouping: String?

    /// Priority lists, shared with the documentation in schema/README.md.
    public enum Keys {
        public static let title = ["TITLE"]
        public static let subtitle = ["SUBTITLE"]
        public static let artist = ["ARTIST"]
        public static let album = ["ALBUM"]
        public static let albumArtist = ["ALBUMARTIST", "ALBUM ARTIST", "ALBUM_ARTIST"]
        public static let composer = ["COMPOSER"]
        public static let genre = ["GENRE"]
        public static let date = ["DATE", "YEAR", "RELEASEDATE", "ORIGINALDATE"]
        public static let series = ["SERIES", "MOVEMENTNAME", "MVNM", "SHOW"]
        public static let seriesPart = ["SERIES-PART", "SERIES_PART", "SERIESPART", "MOVEMENTNUMBER", "MVIN", "PART"]
        public static let asin = ["ASIN", "AUDIBLE_ASIN", "AUDIBLEASIN"]
        public static let isbn = ["ISBN"]
        public static let language = ["LANGUAGE"]
        public static let publisher = ["PUBLISHER", "LABEL", "ORGANIZATION"]
        public static let description = ["DESCRIPTION", "PODCASTDESC", "LONGDESCRIPTION", "COMMENT"]
        public static let grouping = ["GROUPING", "CONTENTGROUP"]
    }

    public init() {}

    public init(_ tags: TagMap) {
        func pick(_ keys: [String]) -> String? {
            tags.first(of: keys).map { $0.joined(separator: "; ") }
        }
        title = pick(Keys.title)
        subtitle = pick(Keys.subtitle)
        artist = pick(Keys.artist)
        album = pick(Keys.album)
        albumArtist = pick(Keys.albumArtist)
        composer = pick(Keys.composer)
        genre = pick(Keys.genre)
        year = pick(Keys.date).flatMap(TextCleaner.year(in:))
        series = pick(Keys.series)
        seriesPart = pick(Keys.seriesPart)
        asin = pick(Keys.asin)
        isbn = pick(Keys.isbn)
        language = pick(Keys.language)
        publisher = pick(Keys.publisher)
        description = pick(Keys.description)
        grouping = pick(Keys.grouping)
    }
}
