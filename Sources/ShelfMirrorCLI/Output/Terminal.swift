import Foundation
import MirrorCore
#if canImport(Glibc)
import Glibc
#endif

/// What the output streams are connected to, and how to style text for them.
struct Terminal: Sendable {
    var stdoutIsTTY: Bool
    var stderrIsTTY: Bool
    var color: Bool
    var width: Int

    static let current: Terminal = {
        let env = ProcessInfo.processInfo.environment
        let out = isatty(STDOUT_FILENO) == 1
        let err = isatty(STDERR_FILENO) == 1
        var size = winsize()
        var width = Int(env["COLUMNS"] ?? "") ?? 0
        if width <= 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { width = Int(size.ws_col) }
        if width <= 0 { width = 100 }
        let noColor = env["NO_COLOR"].map { !$0.isEmpty } ?? false
        return Terminal(stdoutIsTTY: out, stderrIsTTY: err, color: out && !noColor && env["TERM"] != "dumb", width: width)
    }()

    /// For files: no colour, a wide page.
    static let plain = Terminal(stdoutIsTTY: false, stderrIsTTY: false, color: false, width: 160)

    func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { color ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    func red(_ text: String) -> String { color ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
    func green(_ text: String) -> String { color ? "\u{1B}[32m\(text)\u{1B}[0m" : text }
}

extension Terminal {
    /// A value in a fixed-width column: escaped on one line (`TerminalText`), cut to `width`
    /// characters ("…" at the end) and padded with spaces to it.
    static func column(_ text: String, width: Int) -> String {
        let one = TerminalText.line(text, limit: width)
        let count = one.count
        return count >= width ? one : one + String(repeating: " ", count: width - count)
    }
}

/// Diagnostics go to standard error; data to standard output.
enum Console {
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal.
final class ProgressLine {
    private let enabled: Bool
    private let label: String
    private var lastDraw = Date.distantPast
    private let started = Date()

    init(label: String, enabled: Bool = Terminal.current.stderrIsTTY) {
        self.label = label
        self.enabled = enabled
    }

    /// Draws the bar; `eta` (seconds) replaces the estimate from the pace so far when given.
    func update(done: Int, total: Int, note: String = "", eta: Double? = nil) {
        guard enabled, total > 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = now
        let width = 30
        let filled = Int(Double(width) * Double(done) / Double(total))
        let elapsed = now.timeIntervalSince(started)
        let eta = eta ?? (done > 0 ? elapsed / Double(done) * Double(total - done) : 0)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(label) \(bar) \(done)/\(total)  ETA \(Int(eta.rounded()))s \(note)\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
