/// A JSON encoder for the wire structs that writes keys in the order they are encoded (the
/// structs' declaration order, which follows ABS's key order) and numbers as JavaScript prints
/// them. Foundation's JSONEncoder reorders keys from one call to the next. Streaming, so it is
/// also fast: the list endpoint serves tens of thousands of items.
///
/// Supports what Codable synthesis and the wire types use: keyed containers (a second request
/// for one on the same encoder continues the same object), unkeyed and single-value containers.
/// Nested containers and super encoders are not supported.
struct WireJSONEncoder: Sendable {
    func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let sink = JSONSink()
        try sink.write(value)
        return sink.bytes
    }
}

final class JSONSink {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1024) }

    func write<T: Encodable>(_ value: T) throws {
        switch value {
        case let s as String: writeString(s)
        case let b as Bool: bytes.append(contentsOf: b ? Self.trueBytes : Self.falseBytes)
        case let n as Int: writeInteger(n)
        case let n as Int64: writeInteger(n)
        case let d as Double: writeDouble(d)
        default:
            let frame = Frame()
            try value.encode(to: StreamEncoder(sink: self, frame: frame))
            switch frame.kind {
            case .empty: bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
            case .object: bytes.append(UInt8(ascii: "}"))
            case .array: bytes.append(UInt8(ascii: "]"))
            case .single: break
            }
        }
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let nullBytes = Array("null".utf8)
    static let hex = Array("0123456789abcdef".utf8)

    func writeNull() { bytes.append(contentsOf: Self.nullBytes) }

    func writeInteger<I: BinaryInteger>(_ n: I) { bytes.append(contentsOf: String(n).utf8) }

    /// JSON.stringify's numbers: integral values without ".0", non-finite as null.
    func writeDouble(_ d: Double) {
        guard d.isFinite else { return writeNull() }
        if d == d.rounded(), abs(d) < 1e15 {
            writeInteger(Int64(d))
        } else {
            bytes.append(contentsOf: "\(d)".utf8)
        }
    }

    /// JSON.stringify's escaping: quote, backslash and control characters; "/" and non-ASCII as they are.
    func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        let clean = s.utf8.withContiguousStorageIfAvailable { buffer -> Bool in
            guard !buffer.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            bytes.append(contentsOf: buffer)
            return true
        }
        if clean != true {
            for byte in s.utf8 {
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0..<0x20:
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// What one value has opened so far.
    final class Frame {
        enum Kind { case empty, object, array, single }
        var kind = Kind.empty
        var count = 0

        func separate(_ sink: JSONSink) {
            if count > 0 { sink.bytes.append(UInt8(ascii: ",")) }
            count += 1
        }
    }

    struct StreamEncoder: Encoder {
        let sink: JSONSink
        let frame: Frame
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            switch frame.kind {
            case .empty:
                sink.bytes.append(UInt8(ascii: "{"))
                frame.kind = .object
            case .object:
                break // continue the same object
            case .array, .single:
                preconditionFailure("a keyed container after another kind of value")
            }
            return KeyedEncodingContainer(KeyedWriter<Key>(sink: sink, frame: frame))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            precondition(frame.kind == .empty || frame.kind == .array, "an unkeyed container after another kind of value")
            if frame.kind == .empty {
                sink.bytes.append(UInt8(ascii: "["))
                frame.kind = .array
            }
            return UnkeyedWriter(sink: sink, frame: frame)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleWriter(sink: sink, frame: frame)
        }
    }

    struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let sink: JSONSink
        let frame: Frame
        var codingPath: [any CodingKey] { [] }

        private func key(_ key: Key) {
            frame.separate(sink)
            sink.writeString(key.stringValue)
            sink.bytes.append(UInt8(ascii: ":"))
        }

        mutating func encodeNil(forKey key: Key) throws {
            self.key(key)
            sink.writeNull()
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            self.key(key)
            try sink.write(value)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            preconditionFailure("nested containers are not supported")
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            preconditionFailure("nested containers are not supported")
        }

        mutating func superEncoder() -> any Encoder { preconditionFailure("super encoders are not supported") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("super encoders are not supported") }
    }

    struct UnkeyedWriter: UnkeyedEncodingContainer {
        let sink: JSONSink
        let frame: Frame
        var codingPath: [any CodingKey] { [] }
        var count: Int { frame.count }

        mutating func encodeNil() throws {
            frame.separate(sink)
            sink.writeNull()
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            frame.separate(sink)
            try sink.write(value)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            preconditionFailure("nested containers are not supported")
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            preconditionFailure("nested containers are not supported")
        }

        mutating func superEncoder() -> any Encoder { preconditionFailure("super encoders are not supported") }
    }

    struct SingleWriter: SingleValueEncodingContainer {
        let sink: JSONSink
        let frame: Frame
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws {
            frame.kind = .single
            sink.writeNull()
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            frame.kind = .single
            try sink.write(value)
        }
    }
}
