import MirrorWeb
import Testing

/// Which `Host` names `serve` answers: loopback's always; on every address (`--host 0.0.0.0`),
/// any address literal too, as the network reaches the machine; a DNS name never (a page of
/// another site would reach us through DNS rebinding).
struct HostRulesTests {
    @Test func loopbackAnswersOnlyItsOwnNames() {
        let loopback = WebOptions()
        #expect(loopback.isLoopback && !loopback.isWildcard)
        for name in ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"] { #expect(loopback.allowsHost(name), "\(name)") }
        for name in ["evil.example", "192.168.1.20", "127.0.0.1.nip.io", "", "[fe80::1]"] { #expect(!loopback.allowsHost(name), "\(name)") }
    }

    @Test func everyAddressAnswersAddressLiteralsButNoOtherName() {
        let everywhere = WebOptions(host: "0.0.0.0")
        #expect(!everywhere.isLoopback && everywhere.isWildcard)
        for name in ["192.168.1.20", "10.0.0.7", "[fe80::1]", "localhost"] { #expect(everywhere.allowsHost(name), "\(name)") }
        for name in ["evil.example", "192.168.1.20.evil.example", "1.2.3", "[evil]"] { #expect(!everywhere.allowsHost(name), "\(name)") }
        let one = WebOptions(host: "192.168.1.20")
        #expect(one.allowsHost("192.168.1.20") && !one.allowsHost("192.168.1.21"))
    }
}
