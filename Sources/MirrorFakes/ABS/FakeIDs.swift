/// SplitMix64: small, fast, and the same sequence on every platform for a given seed.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0); the tiny modulo bias does not matter here.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// true with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}

/// UUID-like ids from a PRNG, so generated libraries are the same for the same seed.
enum FakeIDs {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (version 4 layout).
    static func uuid(_ rng: inout SplitMix64) -> String {
        uuid(high: rng.next(), low: rng.next())
    }

    static func uuid(high: UInt64, low: UInt64) -> String {
        let high = (high & ~0xF000) | 0x4000                       // version nibble
        let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000 // variant bits
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for (n, value) in [high, low].enumerated() {
            for i in stride(from: 60, through: 0, by: -4) {
                let position = n * 16 + (15 - i / 4)
                if position == 8 || position == 12 || position == 16 || position == 20 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(hex[Int((value >> UInt64(i)) & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A stable id derived from another string (used for ids the caller did not give).
    static func derived(from text: String, salt: String) -> String {
        var rng = SplitMix64(seed: UInt64(bitPattern: Int64((salt + "/" + text).hashValueStable)))
        return uuid(&rng)
    }
}
