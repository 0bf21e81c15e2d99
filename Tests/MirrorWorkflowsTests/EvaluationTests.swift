import Foundation
import MirrorWorkflows
import TestSupport
import Testing

/// The labelled evaluation set (fixtures/eval): automatic matches must stay precise, and find
/// most items; a regression in normalisation, candidates or weights shows here.
struct EvaluationTests {
    @Test func automaticMatchesArePreciseAndFindMostItems() throws {
        let report = try Evaluation.run(folder: Fixtures.root.appendingPathComponent("fixtures/eval"))
        #expect(report.total.items >= 200)
        #expect(report.total.precision >= 0.99, "precision \(report.total.precision); wrong: \(report.wrong)")
        #expect(report.total.recall >= 0.90, "recall \(report.total.recall)")
        let notInCatalog = try #require(report.cases.first { $0.name == "not_in_catalog" })
        #expect(notInCatalog.auto == 0, "no item whose book is missing is matched automatically")
        #expect(report.total.editionRight == report.total.editionLabelled, "the right (audiobook) edition for every right match")
    }
}
