import CTagLibShim
import MirrorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which file each reader thread of a scan is reading, in a small memory-mapped file beside the
/// mirror (`<mirror>.scan-inflight`, see sm_inflight.h), so that the scan after one that crashed
/// or was killed knows which files it was reading. Marking a read costs a copy into a mapped page;
/// nothing is flushed (the kernel keeps the page when the process dies).
///
/// What the next scan makes of it (`recover(at:)`): a file whose reader crashed (a signal caught
/// while reading it) is unreadable. A file being read when the process was killed with no crash
/// caught (SIGKILL, Ctrl-C, the out-of-memory killer) may be innocent, as the kill may have come
/// from outside: it is read again once, and is unreadable only when a scan stops while reading it
/// a second time in a row (a file that hangs or exhausts memory every time).
public final class InFlightReads: @unchecked Sendable {
    private var handle: OpaquePointer?
    public let path: String

    /// Creates the file at `path` with a slot for each of `readers` threads; nil when it cannot
    /// (the scan then goes on without).
    public init?(path: String, readers: Int) {
        guard let handle = sm_inflight_open(path, Int32(clamping: readers)) else { return nil }
        self.handle = handle
        self.path = path
    }

    /// Removes the file: the scan ended by itself. Call after every reader has left, from the
    /// thread that made it: a reader thread may release its reference only after the scan returns,
    /// so the file must not wait for the last reference to go.
    public func close() {
        sm_inflight_close(handle)
        handle = nil
    }

    deinit { sm_inflight_close(handle) }

    /// On a reader thread, before its first file: it reads in `slot` (0 ..< readers).
    public func enter(slot: Int) {
        guard let handle else { return }
        sm_inflight_thread_begin(handle, Int32(clamping: slot))
    }

    /// On a reader thread, after its last file.
    public func leave() { sm_inflight_thread_end() }

    /// On a reader thread: it starts reading `file`.
    public func begin(_ file: FoundFile) {
        var path = file.path
        path.withUTF8 { sm_inflight_read_begin($0.baseAddress!, $0.count, file.sizeBytes, file.mtimeNs) }
    }

    /// On a reader thread: it is done with its file.
    public func end() { sm_inflight_read_end() }

    /// A file that a scan did not finish reading.
    public struct Entry: Sendable, Equatable {
        public var file: FoundFile
        /// The signal its reader crashed with while reading it; nil when none was caught.
        public var crashSignal: Int32?
    }

    /// What an in-flight file left behind by a stopped scan says.
    public struct Leftover: Sendable, Equatable {
        /// The process that wrote it.
        public var pid: Int32
        /// A crash caught on a thread that was not reading a file (the files being read are not to blame).
        public var crashSignal: Int32?
        public var entries: [Entry]
    }

    /// Reads the in-flight file at `path`; nil when there is none (the last scan ended by itself).
    public static func leftover(at path: String) -> Leftover? {
        guard let leftover = sm_inflight_read(path) else { return nil }
        defer { sm_inflight_leftover_free(leftover) }
        let info = leftover.pointee
        var entries: [Entry] = []
        if let list = info.entries {
            for i in 0..<info.count {
                let e = list[i]
                entries.append(Entry(file: FoundFile(path: String(cString: e.path), sizeBytes: e.size_bytes, mtimeNs: e.mtime_ns),
                                     crashSignal: e.crash_signal == 0 ? nil : e.crash_signal))
            }
        }
        return Leftover(pid: info.pid, crashSignal: info.crash_signal == 0 ? nil : info.crash_signal, entries: entries)
    }

    /// A file to record as unreadable because a scan stopped while reading it.
    public struct StoppedRead: Sendable, Equatable {
        public var file: FoundFile
        public var message: String
    }

    /// Decides what the in-flight file a stopped scan left at `path` means, and clears it; call at
    /// the start of a scan, under the mirror's writer lock (so the scan that wrote it is gone).
    /// Files read when the process was killed with no crash caught are kept, in
    /// `<path>.previous`, to be compared with the next stop.
    public static func recover(at path: String) -> [StoppedRead] {
        let previousPath = path + ".previous"
        guard let leftover = leftover(at: path) else {
            unlink(path)  // not one of ours, or empty: a new scan makes it again
            return []
        }
        let (stopped, suspects) = decide(leftover, previous: Self.leftover(at: previousPath))
        if suspects.isEmpty {
            unlink(path)
            unlink(previousPath)
        } else {
            rename(path, previousPath)
        }
        return stopped
    }

    /// At the end of a scan that finished: the files read when an earlier scan was killed were
    /// read again without trouble.
    public static func forgetSuspects(at path: String) {
        unlink(path + ".previous")
    }

    /// The files to record as unreadable, and those that get one more chance.
    static func decide(_ leftover: Leftover, previous: Leftover?) -> (stopped: [StoppedRead], suspects: [FoundFile]) {
        var stopped: [StoppedRead] = []
        var suspects: [FoundFile] = []
        let before = Set((previous?.entries ?? []).map { Key($0.file) })
        for entry in leftover.entries {
            if let signal = entry.crashSignal {
                stopped.append(StoppedRead(file: entry.file,
                                           message: "the last scan stopped while reading this file: it crashed (\(signalName(signal)))"))
            } else if leftover.crashSignal != nil {
                continue  // the crash was elsewhere
            } else if before.contains(Key(entry.file)) {
                stopped.append(StoppedRead(file: entry.file, message: "the last scan stopped while reading this file, "
                    + "and so did the scan before it (killed, out of memory, or stuck?)"))
            } else {
                suspects.append(entry.file)
            }
        }
        return (stopped, suspects)
    }

    private struct Key: Hashable {
        var path: String
        var sizeBytes: Int64
        var mtimeNs: Int64
        init(_ file: FoundFile) { (path, sizeBytes, mtimeNs) = (file.path, file.sizeBytes, file.mtimeNs) }
    }

    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE",
                                      SIGABRT: "SIGABRT", SIGTRAP: "SIGTRAP", SIGSYS: "SIGSYS"]
        return "signal \(signal)" + (names[signal].map { ", \($0)" } ?? "")
    }
}
