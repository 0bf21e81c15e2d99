import Foundation

/// Timestamps as the mirror stores them: ISO-8601 UTC text, "2026-11-25T03:45:18.123Z".
public enum ISO8601 {
    public static func string(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    public static func now() -> String { string(Date()) }

    /// "20261125T034518Z", for file names.
    public static func compactNow() -> String {
        Date.ISO8601FormatStyle(dateSeparator: .omitted, timeSeparator: .omitted).format(Date())
    }
}
