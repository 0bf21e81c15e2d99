import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server that answers every request with one status and a JSON error body
/// quoting the request's Authorization header, as a careless or hostile server does: for the
/// tests that check a token never reaches a message or the mirror, and that no token is sent
/// where it must not go. It serves one connection at a time on a thread of its own.
public final class EchoingServer: @unchecked Sendable {
    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }

    private let status: Int
    private let listener: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private let finished = DispatchSemaphore(value: 0)

    /// Every request's Authorization header, in order ("" when it had none).
    public var authorizations: [String] { lock.withLock { received } }

    /// Runs `body` with a server answering `status`, and stops the server when it returns.
    public static func with<T: Sendable>(status: Int = 401, _ body: (EchoingServer) async throws -> T) async throws -> T {
        let server = try EchoingServer(status: status)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private init(status: Int) throws {
        self.status = status
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(listener, generic, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, generic, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    private func stop() async {
        shutdown(listener, Int32(SHUT_RDWR))
        await onOwnThread { [finished] in finished.wait() }
        close(listener)
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            // A client that connects and says nothing does not hold the server for ever.
            var limit = timeval(tv_sec: 60, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            answer(connection)
            close(connection)
        }
        finished.signal()
    }

    private func answer(_ connection: Int32) {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let n = read(connection, &buffer, buffer.count)
            guard n > 0 else { return }
            data.append(contentsOf: buffer[..<n])
            headerEnd = data.range(of: separator)
        }
        let head = String(decoding: data[..<headerEnd!.lowerBound], as: UTF8.self)
        var authorization = ""
        var length = 0
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "authorization" { authorization = value }
            if name == "content-length" { length = Int(value) ?? 0 }
        }
        var body = data.count - headerEnd!.upperBound
        while body < length {
            let n = read(connection, &buffer, buffer.count)
            guard n > 0 else { break }
            body += n
        }
        lock.withLock { received.append(authorization) }

        let json = (try? JSONSerialization.data(withJSONObject: [
            "error": "invalid_token", "error_description": "the token \(authorization) is not valid",
        ])) ?? Data()
        var reply = Data("HTTP/1.1 \(status) Echo\r\nContent-Type: application/json\r\nContent-Length: \(json.count)\r\nConnection: close\r\n\r\n".utf8)
        reply.append(json)
        reply.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(connection, bytes.baseAddress! + offset, bytes.count - offset)
                guard n > 0 else { return }
                offset += n
            }
        }
    }
}
