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

/// Values that write themselves straight into the sink, skipping the Encoder machinery.
protocol JSONSinkWritable {
    func write(to sink: JSONSink) throws
}

extension Nullable: JSONSinkWritable {
    func write(to sink: JSONSink) throws {
        if let wrappedValue { try sink.write(wrappedValue) } else { sink.writeNull() }
    }
}

extension Array: JSONSinkWritable where Element: Encodable {
    func write(to sink: JSONSink) throws {
        sink.bytes.append(UInt8(ascii: "["))
        for (n, element) in enumerated() {
            if n > 0 { sink.bytes.append(UInt8(ascii: ",")) }
            try sink.write(element)
        }
        sink.bytes.append(UInt8(ascii: "]"))
    }
}

final class JSONSink {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1024) }

    func write<T: Encodable>(_ value: T) throws {
        // Type checks rather than casts: much cheaper in unoptimised builds.
        if T.self == String.self { return writeString(unsafeBitCast(value, to: String.self)) }
        if T.self == Bool.self { return bytes.append(contentsOf: unsafeBitCast(value, to: Bool.self) ? Self.trueBytes : Self.falseBytes) }
        if T.self == Int.self { return writeInteger(unsafeBitCast(value, to: Int.self)) }
        if T.self == Int64.self { return writeInteger(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Double.self { return writeDouble(unsafeBitCast(value, to: Double.self)) }
        if let direct = value as? any JSONSinkWritable { return try direct.write(to: self) }
        let frame = Frame()
        try value.encode(to: StreamEncoder(sink: self, frame: frame))
        switch frame.kind {
        case .empty: bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
        case .object: bytes.append(UInt8(ascii: "}"))
        case .array: bytes.append(UInt8(ascii: "]"))
        case .single: break
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
    func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { buffer in
            var clean = 0
            for i in 0..<buffer.count {
                let byte = buffer[i]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[clean..<i]))
                clean = i + 1
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                default:
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[clean...]))
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

        // Concrete overloads: synthesised Codable calls these directly, without a dynamic cast.
        mutating func encode(_ value: String, forKey key: Key) throws {
            self.key(key)
            sink.writeString(value)
        }

        mutating func encode(_ value: Bool, forKey key: Key) throws {
            self.key(key)
            sink.bytes.append(contentsOf: value ? JSONSink.trueBytes : JSONSink.falseBytes)
        }

        mutating func encode(_ value: Int, forKey key: Key) throws {
            self.key(key)
            sink.writeInteger(value)
        }

        mutating func encode(_ value: Int64, forKey key: Key) throws {
            self.key(key)
            sink.writeInteger(value)
        }

        mutating func encode(_ value: Double, forKey key: Key) throws {
            self.key(key)
            sink.writeDouble(value)
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
