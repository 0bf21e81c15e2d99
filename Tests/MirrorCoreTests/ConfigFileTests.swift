import MirrorCore
import Testing

struct ConfigFileTests {
    @Test func readsTheSubsetShelfmirrorUses() throws {
        let values = try ConfigFile.parse("""
            # shelfmirror
            abs_url = "http://nas:13378"   # the server
            abs_token = 'raw \\ token'
            path_map = ["/audiobooks=/mnt/nas/books", '/podcasts=/mnt/p']
            jobs = 4
            verbose = true

            [hardcover]
            token = "Bearer \\"x\\""
            """, path: "c.toml")
        #expect(values["abs_url"] == .string("http://nas:13378"))
        #expect(values["abs_token"] == .string("raw \\ token"))
        #expect(values["path_map"] == .strings(["/audiobooks=/mnt/nas/books", "/podcasts=/mnt/p"]))
        #expect(values["jobs"] == .integer(4))
        #expect(values["verbose"] == .bool(true))
        #expect(values["hardcover.token"] == .string("Bearer \"x\""))
        #expect(values["hardcover.token"] != nil && values["token"] == nil)
    }

    @Test(arguments: [
        ("no equals", "abs_url \"x\"", 1),
        ("unclosed string", "abs_url = \"x", 1),
        ("bare word", "\nabs_url = http://nas", 2),
        ("twice", "db = 'a'\ndb = 'b'", 2),
        ("bad table", "[a b]", 1),
        ("trailing text", "db = 'a' 'b'", 1),
        ("array of numbers", "path_map = [1]", 1),
    ])
    func mistakesNameTheLine(_ name: String, _ text: String, _ line: Int) {
        #expect(throws: ConfigFile.ParseError.self, "\(name)") { try ConfigFile.parse(text, path: "c.toml") }
        do { _ = try ConfigFile.parse(text, path: "c.toml") } catch let error as ConfigFile.ParseError {
            #expect(error.line == line, "\(name)")
            #expect(error.kind == .configuration)
        } catch {}
    }
}
