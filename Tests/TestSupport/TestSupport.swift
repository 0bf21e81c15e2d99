import Foundation

/// A temporary folder, removed when the value is released.
public final class TemporaryFolder: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "shelfmirror-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// How long a test that is not about timeouts lets one loopback request take. The whole suite
/// runs at once, and on a 2-core CI machine an answer of the fakes has taken over 5 s; a short
/// limit there turns load into a timeout, a retry, and a wrong request count.
public enum TestLimits {
    public static let request: Duration = .seconds(120)
}

/// Runs `body` on a thread of its own and returns its result, leaving Swift's cooperative pool
/// free. The pool has one thread per core (two on CI), the in-process fake servers answer on it,
/// and the tests run in parallel: whatever blocks (waiting for a child process, polling sockets)
/// goes here.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}

public enum Fixtures {
    /// The repository's root folder.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static var audio: URL { root.appendingPathComponent("fixtures/audio") }

    /// Copies fixtures/audio into `folder/audio` (tests never touch the originals).
    @discardableResult
    public static func copyAudio(into folder: TemporaryFolder, as name: String = "audio") throws -> URL {
        let destination = folder.url.appendingPathComponent(name)
        try FileManager.default.copyItem(at: audio, to: destination)
        return destination
    }

    /// The expectations mutagen produced for each fixture.
    public static func mutagenExpectations() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: audio.appendingPathComponent("expected-mutagen.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] ?? [:]
    }

    /// Makes `count` copies of a fixture in `folder`, spread over sub-folders of 100.
    public static func manyCopies(of fixture: String, count: Int, into folder: URL) throws {
        let source = audio.appendingPathComponent(fixture)
        let ext = source.pathExtension
        for i in 0..<count {
            let dir = folder.appendingPathComponent(String(format: "book-%04d", i / 100))
            if i % 100 == 0 { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
            try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent(String(format: "part-%05d.%@", i, ext)))
        }
    }
}
