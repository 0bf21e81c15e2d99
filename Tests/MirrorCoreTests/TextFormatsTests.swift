import Foundation
import MirrorCore
import Testing

struct DotEnvTests {
    @Test func parsesAssignments() {
        let env = DotEnv.parse("""
            # comment
            ABS_URL=http://abs.local:13378
            export ABS_TOKEN="abc \\"quoted\\" def"
            HARDCOVER_TOKEN='Bearer xyz'
            SHELFMIRROR_DB = ~/mirror.sqlite # inline comment
            not an assignment
            BAD-KEY=1
            EMPTY=
            """)
        #expect(env["ABS_URL"] == "http://abs.local:13378")
        #expect(env["ABS_TOKEN"] == "abc \"quoted\" def")
        #expect(env["HARDCOVER_TOKEN"] == "Bearer xyz")
        #expect(env["SHELFMIRROR_DB"] == "~/mirror.sqlite")
        #expect(env["EMPTY"] == "")
        #expect(env["BAD-KEY"] == nil)
        #expect(env.count == 5)
    }
}

struct JSONTextTests {
    @Test func tagsAreValidJSONInOrder() throws {
        let map = TagMap([("TITLE", "Quote \" back\\slash \n tab\t ctl\u{7}"), ("GENRE", "A"), ("GENRE", "B")])
        let text = JSONText.tags(map)
        #expect(text.hasPrefix("{\"TITLE\""))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        // TagMap drops control characters other than tab and newlines.
        #expect(object["TITLE"] as? String == "Quote \" back\\slash \n tab\t ctl")
        #expect(object["GENRE"] as? [String] == ["A", "B"])
    }

    @Test func controlCharactersAreEscaped() throws {
        let text = JSONText.string("a\u{7}b\u{1F}")
        #expect(text == #""a\u0007b\u001f""#)
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String == "a\u{7}b\u{1F}")
    }

    @Test func chaptersInSeconds() throws {
        let text = JSONText.chapters([Chapter(startMs: 0, endMs: 1500, title: "One"), Chapter(startMs: 1500, endMs: 3000, title: nil)])
        #expect(text == #"[{"start":0,"end":1.5,"title":"One"},{"start":1.5,"end":3,"title":null}]"#)
    }
}
