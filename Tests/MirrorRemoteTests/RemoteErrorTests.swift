import Foundation
@testable import MirrorRemote
import Testing

struct RemoteErrorTests {
    @Test func messagesNameTheVariableAndNeverTheToken() {
        let e = RemoteError(.unauthorized, service: .audiobookshelf, method: "GET", url: "http://nas:13378/api/me", tokenSource: "AUDIOBOOKSHELF_API_KEY")
        #expect(e.summary == "AudiobookShelf rejected the token (HTTP 401 for GET http://nas:13378/api/me)")
        #expect(e.hint?.contains("AUDIOBOOKSHELF_API_KEY") == true)
        #expect(e.hint?.contains("active") == true)
        #expect(e.kind == .authRejected)
        let missing = RemoteError(.missingSetting(name: "API token", variables: ["ABS_TOKEN", "AUDIOBOOKSHELF_API_KEY", "AUDIOBOOKSHELF_TOKEN"]), service: .audiobookshelf)
        #expect(missing.summary.contains("ABS_TOKEN, AUDIOBOOKSHELF_API_KEY, AUDIOBOOKSHELF_TOKEN"))
        #expect(missing.kind == .configuration)
    }

    @Test(arguments: [
        (RemoteError.Code.forbidden, "update permission"),
        (.htmlPage(status: 404), "subpath"),
        (.connectionRefused, "running"),
        (.timeout(seconds: 30), "slow"),
        (.tlsFailure("bad certificate"), "certificate"),
    ] as [(RemoteError.Code, String)])
    func everyClassicFailureHasAFix(_ code: RemoteError.Code, _ expected: String) {
        let hint = RemoteError(code, service: .audiobookshelf, url: "http://nas").description
        #expect(hint.localizedCaseInsensitiveContains(expected) || hint.contains("Can Update"), "\(hint)")
    }

    @Test func displayedURLsDropQueryAndCredentials() {
        let url = URL(string: "http://user:secret@nas:13378/api/items?token=abc&x=1")!
        #expect(HTTPTransport.display(url) == "http://nas:13378/api/items")
    }

    @Test func retryAfterIsReadAsSecondsOrDate() {
        #expect(HTTPTransport.retryAfterSeconds("7") == 7)
        #expect(HTTPTransport.retryAfterSeconds(" 0 ") == 0)
        #expect(HTTPTransport.retryAfterSeconds("soon") == nil)
        let date = Date(timeIntervalSinceNow: 30)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        let seconds = HTTPTransport.retryAfterSeconds(formatter.string(from: date)) ?? -1
        #expect((29...31).contains(seconds))
    }
}
