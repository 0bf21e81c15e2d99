import MirrorCore
import Testing

/// CSV cells a spreadsheet would run as formulas are marked as text, and the mark comes off exactly.
struct SpreadsheetTextTests {
    @Test(arguments: ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "'quoted", "''"])
    func aCellASpreadsheetWouldRunGetsAQuoteInFront(_ cell: String) {
        #expect(SpreadsheetText.neutralised(cell) == "'" + cell)
    }

    @Test(arguments: ["The Way of Kings", "", "1984", " =spaced", "a=b", "Ünïcödé", "\n=1"])
    func otherCellsAreLeftAlone(_ cell: String) {
        #expect(SpreadsheetText.neutralised(cell) == cell)
    }

    @Test(arguments: ["=1+1", "'", "''", "'=1+1", "''=1", "'Salem's Lot", "-", "@", "plain", "", "\t", "\r\n", "=", "'''"])
    func theRoundTripGivesBackEveryValue(_ value: String) {
        #expect(SpreadsheetText.restored(SpreadsheetText.neutralised(value)) == value)
        let first = SpreadsheetText.neutralised(value).unicodeScalars.first
        #expect(first.map { !["=", "+", "-", "@", "\t", "\r"].contains($0) } ?? true, "never begins as a formula")
    }
}
