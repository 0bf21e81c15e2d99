@testable import MirrorWeb
import Testing

/// What `serve` reads from a posted form or a query string, and where an action may send the
/// browser back to: a path of this site only.
struct WebFormTests {
    @Test func aFormIsDecodedAsBrowsersEncodeIt() {
        let form = WebForm.decode("q=the+way+of&match=needs_review&value=A%2C%20B&empty=&flag&q2=%E2%80%9CDune%E2%80%9D&bad=%ZZ")
        #expect(form["q"] == "the way of")
        #expect(form["match"] == "needs_review")
        #expect(form["value"] == "A, B")
        #expect(form["empty"] == "" && form["flag"] == "")
        #expect(form["q2"] == "“Dune”")
        #expect(form["bad"] == "%ZZ", "a malformed escape is kept as typed, not dropped")
        #expect(WebForm.decode("a=1&a=2")["a"] == "2")
        #expect(WebForm.decode("").isEmpty)
    }

    @Test func anActionSendsTheBrowserBackOnlyWithinThisSite() {
        for back in ["/review?page=2", "/item/li_1", "/"] {
            #expect(WebForm.localPath(back, fallback: "/review") == back)
        }
        for back in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "evil", "", "/review\r\nSet-Cookie: x=1", nil] {
            #expect(WebForm.localPath(back, fallback: "/review") == "/review", "\(String(describing: back))")
        }
    }
}
