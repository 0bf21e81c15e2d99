@testable import MirrorFakes
import Testing

struct HTMLSanitiserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var input: String
        var sanitised: String
        var plain: String
        var testDescription: String { input }
    }

    static let cases: [Case] = [
        Case(input: "Tom & Jerry", sanitised: "Tom &amp; Jerry", plain: "Tom & Jerry"),
        Case(input: "<p>Roshar is a world of stone &amp; storms.</p>", sanitised: "<p>Roshar is a world of stone &amp; storms.</p>",
             plain: "Roshar is a world of stone & storms."),
        Case(input: "a < b > c", sanitised: "a &lt; b &gt; c", plain: "a < b > c"),
        Case(input: "<div class=\"x\">Hi</div>", sanitised: "Hi", plain: "Hi"),
        Case(input: "<script>alert(1)</script>ok", sanitised: "ok", plain: "ok"),
        Case(input: "<style>p{}</style><p>x</p>", sanitised: "<p>x</p>", plain: "x"),
        Case(input: "One<br>Two<BR/>", sanitised: "One<br />Two<br />", plain: "OneTwo"),
        Case(input: "<p>open", sanitised: "<p>open</p>", plain: "open"),
        Case(input: "<p>a<p>b", sanitised: "<p>a</p><p>b</p>", plain: "ab"),
        Case(input: "<ul><li>a<li>b</ul>", sanitised: "<ul><li>a</li><li>b</li></ul>", plain: "ab"),
        Case(input: "<a href=\"https://x.org/?a=1&b=2\" onclick=\"y\">l</a>", sanitised: "<a href=\"https://x.org/?a=1&amp;b=2\">l</a>", plain: "l"),
        Case(input: "<a href=\"javascript:alert(1)\">l</a>", sanitised: "<a>l</a>", plain: "l"),
        Case(input: "<B>bold</B> <em>em</em> <del>d</del> <i>i</i> <strong>s</strong>",
             sanitised: "<b>bold</b> <em>em</em> <del>d</del> <i>i</i> <strong>s</strong>", plain: "bold em d i s"),
        Case(input: "caf&eacute; &#8220;q&#x201D; &nbsp;", sanitised: "café “q” \u{00A0}", plain: "café “q” \u{00A0}"),
        Case(input: "<!-- note -->x", sanitised: "x", plain: "x"),
        Case(input: "Brontë & García Márquez", sanitised: "Brontë &amp; García Márquez", plain: "Brontë & García Márquez"),
    ]

    @Test(arguments: cases)
    func sanitisesAsABSDoes(_ c: Case) {
        #expect(HTMLSanitiser.sanitize(c.input) == c.sanitised)
        #expect(HTMLSanitiser.stripAllTags(HTMLSanitiser.sanitize(c.input)) == c.plain)
    }

    @Test func sanitisingTwiceChangesNothing() {
        for c in Self.cases { #expect(HTMLSanitiser.sanitize(c.sanitised) == c.sanitised) }
    }
}
