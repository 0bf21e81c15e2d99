import ArgumentParser
import MirrorCore
import MirrorWorkflows

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

    /// Prints the error's summary and hint, scrubbed of every configured secret and of the
    /// credentials of any URL, and returns its exit status.
    static func report(_ error: UserFacingError, redactor: Redactor = Settings.redactor()) -> ExitCode {
        let terminal = Terminal.current
        let label = terminal.stderrIsTTY && terminal.color ? terminal.red("error:") : "error:"
        Console.err("\(label) \(redactor.scrub(error.summary))")
        if let hint = error.hint { Console.err("hint: \(redactor.scrub(hint))") }
        return ExitCode(exitStatus(for: error.kind))
    }

    /// Any other error (the argument parser's, one no layer wrapped): the argument parser's
    /// message and exit status, scrubbed as `report` scrubs. Help and `--version` go to standard
    /// output as they are.
    static func reportOther(_ error: any Error, redactor: @autoclosure () -> Redactor = Settings.redactor()) -> ExitCode {
        let status = ShelfMirror.exitCode(for: error)
        let message = ShelfMirror.fullMessage(for: error)
        if status == .success {
            if !message.isEmpty { Console.out(message) }
        } else if !message.isEmpty {
            Console.err(redactor().scrub(message))
        }
        return status
    }
}

/// A usage problem found while running a command (not while parsing it).
struct UsageError: UserFacingError {
    var summary: String
    var hint: String?
    var kind: FailureKind { .usage }
}
