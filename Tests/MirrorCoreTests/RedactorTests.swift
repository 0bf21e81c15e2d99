import MirrorCore
import Testing

/// One way to show or store a URL, and to keep secrets out of a text.
struct RedactorTests {
    @Test(arguments: [
        ("http://user:pw@nas:13378/audiobookshelf", "http://***@nas:13378/audiobookshelf"),
        ("http://user@nas:13378", "http://***@nas:13378"),
        ("https://host/x?token=abc&page=2", "https://host/x?token=***&page=2"),
        ("https://host/x?api_key=abc&access_token=def&Api-Key=g&author=Le%20Guin", "https://host/x?api_key=***&access_token=***&Api-Key=***&author=Le%20Guin"),
        ("https://host/#access_token=abc", "https://host/#access_token=***"),
        ("http://u:p@ss@host/p@th?password=x", "http://***@host/p@th?password=***"),
        ("user:pw@nas:13378", "***@nas:13378"),
        ("http://nas:13378", "http://nas:13378"),
        ("https://api.hardcover.app/v1/graphql", "https://api.hardcover.app/v1/graphql"),
        ("http://u:pw@bad host?token=t t", "http://***@bad host?token=***"),
    ])
    func aURLIsShownWithoutItsCredentials(_ url: String, _ shown: String) {
        #expect(Redactor.url(url) == shown)
        // Redacting again changes nothing.
        #expect(Redactor.url(shown) == shown)
    }

    @Test func everyURLInATextLosesItsCredentials() {
        let text = "cannot reach http://admin:hunter22@nas:13378/api (see https://x.org/?key=k1234), and \"ftp://a:b@c\"."
        #expect(Redactor.urls(in: text)
            == "cannot reach http://***@nas:13378/api (see https://x.org/?key=***), and \"ftp://***@c\".")
        #expect(Redactor.urls(in: "no address here: a://") == "no address here: a://")
    }

    @Test func theSecretsOfAURLAreItsPasswordAndSensitiveValues() {
        #expect(Set(Redactor.secrets(inURL: "http://me:pa%40ss@nas/?token=tok%2Ben&page=12345")) == ["pa%40ss", "pa@ss", "tok%2Ben", "tok+en"])
        #expect(Redactor.secrets(inURL: "http://me@nas/?page=2").isEmpty)
    }

    @Test func aSecretIsScrubbedAsWrittenEscapedOrPercentEncoded() {
        let redactor = Redactor(secrets: ["s3cr3t-token", "tab\tbed", "a/b+c=="])
        #expect(redactor.scrub("invalid_token: Bearer s3cr3t-token") == "invalid_token: Bearer ‹redacted›")
        // Swift's debug description of a header value, as the HTTP client quotes it.
        #expect(redactor.scrub(#"invalidHeaderFieldValues(["Bearer tab\tbed"])"#) == #"invalidHeaderFieldValues(["Bearer ‹redacted›"])"#)
        #expect(redactor.scrub("GET /x?k=a%2Fb%2Bc%3D%3D") == "GET /x?k=‹redacted›")
        #expect(redactor.scrub("nothing secret") == "nothing secret")
    }

    @Test func tooShortASecretIsLeftAlone() {
        let redactor = Redactor(secrets: ["t", "  ab  ", ""])
        #expect(redactor.secrets.isEmpty)
        #expect(redactor.scrub("the token was rejected") == "the token was rejected")
    }

    @Test func aLongerSecretIsReplacedWhole() {
        let redactor = Redactor(secrets: ["abcd", "abcdefgh"])
        #expect(redactor.scrub("x abcdefgh y abcd") == "x ‹redacted› y ‹redacted›")
        #expect(redactor.adding(["zzzz"]).scrub("zzzz") == "‹redacted›")
    }
}
