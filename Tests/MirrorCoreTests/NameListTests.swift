import MirrorCore
import Testing

struct NameListTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var input: String
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "single name", input: "Brandon Sanderson", expected: ["Brandon Sanderson"]),
        Case(name: "ampersand", input: "Michael Kramer & Kate Reading", expected: ["Michael Kramer", "Kate Reading"]),
        Case(name: "commas and ampersand", input: "A. Smith, B. Jones & C. Brown", expected: ["A. Smith", "B. Jones", "C. Brown"]),
        Case(name: "and", input: "Brandon Sanderson and Mary Robinette Kowal", expected: ["Brandon Sanderson", "Mary Robinette Kowal"]),
        Case(name: "semicolons", input: "Sanderson, Brandon; Kramer, Michael", expected: ["Brandon Sanderson", "Michael Kramer"]),
        Case(name: "last, first initials", input: "Tolkien, J.R.R.", expected: ["J.R.R. Tolkien"]),
        Case(name: "last, first with particle", input: "Le Guin, Ursula K.", expected: ["Ursula K. Le Guin"]),
        Case(name: "last, first pairs by commas", input: "Friedman, Milton, Friedman, Rose", expected: ["Milton Friedman", "Rose Friedman"]),
        Case(name: "first last list by commas", input: "Brandon Sanderson, Michael Kramer", expected: ["Brandon Sanderson", "Michael Kramer"]),
        Case(name: "suffix stays", input: "Martin Luther King, Jr.", expected: ["Martin Luther King, Jr."]),
        Case(name: "slash", input: "Kate Reading / Michael Kramer", expected: ["Kate Reading", "Michael Kramer"]),
        Case(name: "duplicates dropped", input: "Kate Reading & Kate Reading", expected: ["Kate Reading"]),
        Case(name: "empty", input: "  ", expected: []),
        Case(name: "white space trimmed", input: "  Kate Reading ,  ", expected: ["Kate Reading"]),
    ]

    @Test(arguments: cases)
    func splits(_ c: Case) {
        #expect(NameList.split(c.input) == c.expected)
    }
}
