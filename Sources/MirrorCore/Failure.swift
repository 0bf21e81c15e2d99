/// What kind of failure an error is, so that the command line can choose an exit status and
/// every layer can say what went wrong without printing or exiting itself.
public enum FailureKind: String, Sendable, Equatable {
    case failure           // generic
    case usage             // the command was called wrongly
    case badData           // input data is malformed
    case noInput           // a file or folder does not exist
    case unavailable       // a service or resource is unavailable (the mirror is busy, a server is down)
    case io                // reading or writing a file failed
    case rateLimited       // try again later
    case authRejected      // 401 / 403
    case configuration     // the configuration is wrong or missing
}

/// An error meant for the user: one line saying what happened, and where possible what to do next.
/// Messages never contain secrets.
public protocol UserFacingError: Error, CustomStringConvertible {
    var kind: FailureKind { get }
    /// What went wrong, naming the object: "cannot open /x/mirror.sqlite: permission denied".
    var summary: String { get }
    /// What to do next, if there is something to say.
    var hint: String? { get }
}

extension UserFacingError {
    public var description: String {
        guard let hint else { return summary }
        return "\(summary)\n\(hint)"
    }
}
