import Foundation
import MirrorCore
import MirrorTags

/// Reads files on `jobs` threads, turning each into a `Result` with `prepare` on the same thread.
/// The calling thread first feeds it files (while walking folders, so reading starts with the
/// first file found), then stores the results in batches while the readers go on: walking, TagLib
/// and SQLite work at the same time. Threads start with the first file, so a scan with nothing
/// to read starts none. If `store` throws, the readers stop and the error is rethrown.
/// With `inFlight`, each reader notes there the file it is reading (see `InFlightReads`).
struct ParallelReader<Result: Sendable> {
    var jobs: Int
    var batchSize: Int
    var inFlight: InFlightReads? = nil
    var prepare: @Sendable (ScannedFile) -> Result

    /// `feed` is called once with a function that queues a file for reading.
    func read(feed: (_ enqueue: (FoundFile) -> Void) throws -> Void, store: ([Result]) throws -> Void) throws {
        let shared = Shared()
        let prepare = self.prepare
        let inFlight = self.inFlight
        var workers = 0
        do {
            try feed { file in
                shared.enqueue(file)
                if workers < jobs {
                    let slot = workers
                    workers += 1
                    Thread.detachNewThread {
                        inFlight?.enter(slot: slot)
                        while let file = shared.nextFile() {
                            inFlight?.begin(file)
                            let outcome = TagReader.read(path: file.path)
                            inFlight?.end()
                            let scanned = ScannedFile(path: file.path, sizeBytes: file.sizeBytes, mtimeNs: file.mtimeNs, outcome: outcome)
                            shared.add(prepare(scanned), batchSize: batchSize)
                        }
                        inFlight?.leave()  // before the scan may close it
                        shared.workerFinished()
                    }
                }
            }
        } catch {
            shared.cancel()
            shared.finishFeeding()
            shared.waitForWorkers(workers)
            throw error
        }
        shared.finishFeeding()
        guard workers > 0 else { return }
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

    /// State shared by the feeder, the readers and the storing thread, behind one condition lock.
    private final class Shared: @unchecked Sendable {
        private let condition = NSCondition()
        private var queue: [FoundFile] = []
        private var next = 0
        private var feeding = true
        private var cancelled = false
        private var results: [Result] = []
        private var finished = 0

        func enqueue(_ file: FoundFile) {
            condition.lock()
            queue.append(file)
            condition.signal()  // only readers wait while the feeder is feeding
            condition.unlock()
        }

        func finishFeeding() {
            condition.lock()
            feeding = false
            condition.broadcast()
            condition.unlock()
        }

        /// The next file to read; waits while the feeder may still queue one. Nil: no more work.
        func nextFile() -> FoundFile? {
            condition.lock()
            defer { condition.unlock() }
            while !cancelled && next == queue.count && feeding { condition.wait() }
            guard !cancelled, next < queue.count else { return nil }
            next += 1
            return queue[next - 1]
        }

        func add(_ result: Result, batchSize: Int) {
            condition.lock()
            results.append(result)
            if results.count >= batchSize { condition.broadcast() }
            condition.unlock()
        }

        func workerFinished() {
            condition.lock()
            finished += 1
            condition.broadcast()
            condition.unlock()
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }

        func waitForWorkers(_ workers: Int) {
            condition.lock()
            while finished < workers { condition.wait() }
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
