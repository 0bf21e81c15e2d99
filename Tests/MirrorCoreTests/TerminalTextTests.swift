import MirrorCore
import Testing

/// Text from servers and files shown on a terminal: controls visible, everything else as it is.
struct TerminalTextTests {
    @Test func controlCharactersAreShownEscaped() {
        #expect(TerminalText.line("\u{1B}]0;PWNED\u{07}\u{1B}[2J") == #"\u{1B}]0;PWNED\u{7}\u{1B}[2J"#)
        // C1 controls: U+009B is a one-character CSI for some terminals; U+0085 is NEL.
        #expect(TerminalText.line("a\u{9B}2Jb\u{85}c\u{7F}d\u{0}") == #"a\u{9B}2Jb\u{85}c\u{7F}d\u{0}"#)
        // Bidirectional overrides and isolates would reorder what follows them.
        #expect(TerminalText.line("file\u{202E}3pm.exe \u{2066}x\u{2069}") == #"file\u{202E}3pm.exe \u{2066}x\u{2069}"#)
        #expect(TerminalText.escaped("\u{1B}[31mred") == #"\u{1B}[31mred"#)
    }

    @Test(arguments: ["Émile Zola", "Brontë", "三体", "ハリー・ポッター", "Dune 🏜️", "👩‍👩‍👧 family", "🇫🇷", "e\u{301}",
                      "مرحبا بالعالم", "שלום", "a\u{200D}b", "zero\u{200B}width", "", "plain ASCII: [1/2] ~!@#$%^&*()"])
    func legitimateTextPassesUnchanged(_ text: String) {
        #expect(TerminalText.line(text) == text)
        #expect(TerminalText.escaped(text) == text)
        #expect(TerminalText.line(text, limit: 100) == text)
    }

    @Test func oneLineTurnsLineBreaksAndTabsIntoSpaces() {
        #expect(TerminalText.line("a\r\nb\nc\td\re\u{2028}f") == "a b c d e f")
        // Kept on several lines, a carriage return is still escaped: it would overwrite the line.
        #expect(TerminalText.escaped("a\nb\tc\rd") == "a\nb\tc\\u{D}d")
    }

    @Test func aLongValueIsCutAfterReadingOnlyItsStart() {
        let megabyte = String(repeating: "x", count: 1 << 20)
        let cut = TerminalText.line(megabyte, limit: 60)
        #expect(cut.count == 60)
        #expect(cut.hasSuffix("…"))
        #expect(TerminalText.line(String(repeating: "y", count: 60), limit: 60) == String(repeating: "y", count: 60))
        #expect(TerminalText.line(String(repeating: "y", count: 61), limit: 60) == String(repeating: "y", count: 59) + "…")
        // Escapes count as what they show.
        #expect(TerminalText.line(String(repeating: "\u{1B}", count: 100), limit: 13) == #"\u{1B}\u{1B}"# + "…")
        // One character of a million combining marks is cut too: what is kept stays small.
        let zalgo = "a" + String(repeating: "\u{301}", count: 1_000_000)
        #expect(TerminalText.line(zalgo, limit: 60).utf8.count < 4 * 61 * 4)
    }
}
