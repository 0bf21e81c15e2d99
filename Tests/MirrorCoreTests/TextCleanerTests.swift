import MirrorCore
import Testing

struct TextCleanerTests {
    @Test(arguments: [
        ("full date", "2019-05-04", 2019), ("year only", "2019", 2019), ("month name", "May 2019", 2019),
        ("slash", "2019/05", 2019), ("timestamp", "2019-05-04T10:00:00Z", 2019),
    ])
    func years(_ name: String, _ text: String, _ expected: Int) {
        #expect(TextCleaner.year(in: text) == expected, "\(name)")
    }

    @Test(arguments: ["", "unknown", "12345", "0999", "3100", "19"])
    func notYears(_ text: String) {
        #expect(TextCleaner.year(in: text) == nil)
    }

    @Test func tagValuesAreNFCAndClean() {
        let decomposed = "Bronte\u{0308}"  // e + combining diaeresis
        #expect(TextCleaner.tagValue(decomposed) == "Brontë")
        #expect(TextCleaner.tagValue(decomposed).unicodeScalars.count == 6)
        #expect(TextCleaner.tagValue("  a\u{0}b\u{1}c\u{FEFF}  ") == "abc")
        #expect(TextCleaner.tagValue("line one\nline two") == "line one\nline two")
    }
}
