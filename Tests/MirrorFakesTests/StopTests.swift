import Foundation
import MirrorFakes
import Testing

/// A fake server stops cleanly while clients are still connecting: it answers what it was asked,
/// and connections it had accepted but not yet served are closed, not dropped (NIO traps on a
/// dropped one, which ends the whole process).
struct StopTests {
    @Test func stoppingWhileClientsConnectEndsCleanly() async throws {
        for _ in 0..<5 {
            let server = try await FakeABSServer.start(state: .generated(items: 1))
            // Connections that have not sent a request yet, some still in the accept queue.
            let sockets = (0..<32).map { _ in Self.connect(port: server.port) }
            #expect(sockets.allSatisfy { $0 >= 0 })
            await server.stop()
            // The connections were closed by the server. (Whether the port still answers is not
            // asked: other tests' servers may take the freed port at once.)
            for fd in sockets where fd >= 0 {
                var timeout = timeval(tv_sec: 10, tv_usec: 0)  // a connection left open fails, not hangs
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var byte: UInt8 = 0
                let n = read(fd, &byte, 1)
                #expect(n == 0 || (n < 0 && errno == ECONNRESET), "read \(n), errno \(errno)")  // closed or reset
                close(fd)
            }
        }
    }

    /// A blocking TCP connect to 127.0.0.1:port; the socket, or -1.
    static func connect(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            close(fd)
            return -1
        }
        return fd
    }
}
