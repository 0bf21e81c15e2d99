import MirrorCore
import Testing

struct IdentifiersTests {
    @Test(arguments: [
        ("ISBN-13 plain", "9780765326355", "9780765326355"),
        ("ISBN-13 hyphens", "978-0-7653-2635-5", "9780765326355"),
        ("ISBN-13 with label", "ISBN 978-0-7653-2635-5", "9780765326355"),
        ("ISBN-10 to 13", "0765326353", "9780765326355"),
        ("ISBN-10 with X", "0-8044-2957-X", "9780804429573"),
        ("ISBN-10 lower-case x", "080442957x", "9780804429573"),
    ])
    func validISBNs(_ name: String, _ raw: String, _ expected: String) {
        #expect(Identifiers.isbn13(raw) == expected, "\(name)")
    }

    @Test(arguments: ["9780765326356", "0765326354", "12345", "", "978076532635X", "B07XYZ1234"])
    func invalidISBNsAreRejected(_ raw: String) {
        #expect(Identifiers.isbn13(raw) == nil)
    }

    @Test func isbn10FromIsbn13() {
        #expect(Identifiers.isbn10("9780765326355") == "0765326353")
        #expect(Identifiers.isbn10("9780804429573") == "080442957X")
        #expect(Identifiers.isbn10("9791032305690") == nil)  // 979 has no ISBN-10
    }

    @Test(arguments: [
        ("b07xyz1234", "B07XYZ1234"), (" B07XYZ1234 ", "B07XYZ1234"), ("0765326353", "0765326353"),
    ])
    func asins(_ raw: String, _ expected: String) {
        #expect(Identifiers.asin(raw) == expected)
    }

    @Test(arguments: ["B07XYZ123", "B07XYZ12345", "B07XYZ!234", ""])
    func invalidASINs(_ raw: String) {
        #expect(Identifiers.asin(raw) == nil)
    }
}
