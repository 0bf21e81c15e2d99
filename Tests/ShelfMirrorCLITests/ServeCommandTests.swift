import Foundation
import TestSupport
import Testing

/// `serve` as a user starts it: the address first on standard output, a clear refusal when there
/// is no mirror or the port is taken, and SIGTERM stops it cleanly.
struct ServeCommandTests {
    @Test func withoutAMirrorItSaysWhereAndExits66() async throws {
        let folder = try TemporaryFolder()
        let result = try await Binary.run(["serve", "--db", folder.file("none.sqlite"), "--port", "0"])
        #expect(result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains("no mirror at \(folder.file("none.sqlite"))"))
        #expect(result.stdout.isEmpty)
        let badPort = try await Binary.run(["serve", "--db", folder.file("none.sqlite"), "--port", "70000"])
        #expect(badPort.status == 64 && badPort.stderr.contains("--port must be between 0 and 65535"))
    }

    @Test func theAddressComesFirstATakenPortIsSaidAndSIGTERMStopsIt() async throws {
        let folder = try TemporaryFolder()
        let db = folder.file("mirror.sqlite")
        let scan = try await Binary.run(["scan", Fixtures.audio.path, "--db", db])
        try #require(scan.status == 0, "\(scan.stderr)")

        let (child, out, err) = try Binary.start(["serve", "--db", db, "--port", "0"])
        let first = await onOwnThread { () -> String in
            var data = Data()
            while !data.contains(UInt8(ascii: "\n")) {
                let chunk = out.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        }
        let url = try #require(first.wholeMatch(of: /http:\/\/127\.0\.0\.1:(\d+)\//), "first line: \(first)")
        let port = String(url.1)

        let taken = try await Binary.run(["serve", "--db", db, "--port", port])
        #expect(taken.status == 69, "\(taken.stderr)")
        #expect(taken.stderr.contains("cannot listen on 127.0.0.1:\(port): another program listens there"))
        #expect(taken.stderr.contains("--port"))

        kill(child.processIdentifier, SIGTERM)
        let stderr = await Binary.finish(child, out, err).stderr
        #expect(child.terminationReason == .exit && child.terminationStatus == 0, "\(stderr)")
        #expect(stderr.contains("Serving \(db) at \(first)"))
    }
}
