import Foundation
import MirrorCore
import MirrorTags

/// Reads files on `jobs` threads, turning each into a `Result` with `prepare` on the same thread,
/// while the calling thread stores results in batches: TagLib and SQLite work at the same time.
/// If `store` throws, the readers stop and the error is rethrown.
struct ParallelReader<Result: Sendable> {
    var jobs: Int
    var batchSize: Int
    var prepare: @Sendable (ScannedFile) -> Result

    func read(_ files: [FoundFile], store: ([Result]) throws -> Void) throws {
        guard !files.isEmpty else { return }
        let shared = Shared()
        let prepare = self.prepare
        let workers = max(1, min(jobs, files.count))
        for _ in 0..<workers {
            Thread.detachNewThread {
                while let index = shared.nextIndex(limit: files.count) {
                    let file = files[index]
                    let outcome = TagReader.read(path: file.path)
                    let scanned = ScannedFile(path: file.path, sizeBytes: file.sizeBytes, mtimeNs: file.mtimeNs, outcome: outcome)
                    shared.add(prepare(scanned), batchSize: batchSize)
                }
                shared.workerFinished()
            }
        }
        var failure: Error?
        while true {
            let (batch, done) = shared.takeBatch(batchSize: batchSize, workers: workers)
            if !batch.isEmpty, failure == nil {
                do { try store(batch) } catch {
                    failure = error
                    shared.cancel()
                }
            }
            if done { break }
        }
        if let failure { throw failure }
    }

    /// State shared by the readers and the storing thread, behind one condition lock.
    private final class Shared: @unchecked Sendable {
        private let condition = NSCondition()
        private var next = 0
        private var cancelled = false
        private var results: [Result] = []
        private var finished = 0

        func nextIndex(limit: Int) -> Int? {
            condition.lock()
            defer { condition.unlock() }
            guard !cancelled, next < limit else { return nil }
            next += 1
            return next - 1
        }

        func add(_ file: Result, batchSize: Int) {
            condition.lock()
            results.append(file)
            if results.count >= batchSize { condition.signal() }
            condition.unlock()
        }

        func workerFinished() {
            condition.lock()
            finished += 1
            condition.signal()
            condition.unlock()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.unlock()
        }

        /// Waits for a full batch or for every reader to finish; `done` means nothing more will come.
        func takeBatch(batchSize: Int, workers: Int) -> ([Result], done: Bool) {
            condition.lock()
            defer { condition.unlock() }
            while results.count < batchSize && finished < workers { condition.wait() }
            let batch = results
            results.removeAll(keepingCapacity: true)
            return (batch, finished == workers)
        }
    }
}
