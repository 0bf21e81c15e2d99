import ArgumentParser
import MirrorCore

/// The one place that turns failures into a message on standard error and an exit status.
enum ErrorReporter {
    /// sysexits(3) statuses, as DESIGN lists them.
    static func exitStatus(for kind: FailureKind) -> Int32 {
        switch kind {
        case .failure: 1
        case .usage: 64
        case .badData: 65
        case .noInput: 66
        case .unavailable: 69
        case .io: 74
        case .rateLimited: 75
        case .authRejected: 77
        case .configuration: 78
        }
    }

    static func report(_ error: UserFacingError) -> ExitCode {
        let terminal = Terminal.current
        let label = terminal.stderrIsTTY && terminal.color ? terminal.red("error:") : "error:"
        Console.err("\(label) \(error.summary)")
        if let hint = error.hint { Console.err("hint: \(hint)") }
        return ExitCode(exitStatus(for: error.kind))
    }
}

/// A usage problem found while running a command (not while parsing it).
struct UsageError: UserFacingError {
    var summary: String
    var hint: String?
    var kind: FailureKind { .usage }
}
