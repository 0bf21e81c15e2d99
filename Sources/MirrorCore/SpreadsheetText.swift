/// Cells of a CSV meant for a spreadsheet (`diff --format csv`), kept from being read as
/// formulas: a spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (or a tab or a
/// carriage return before one), so a value from a server could compute, link or call out when
/// the file is opened ("CSV injection").
///
/// Such a cell gets a `'` in front, which spreadsheets read as "this is text". So that the
/// mark can be taken off again without doubt, a cell that already begins with `'` gets one too:
/// `restored` removes exactly one leading `'`, and `restored(neutralised(x)) == x` for every x.
public enum SpreadsheetText {
    /// The characters that make a spreadsheet read a cell as a formula, and the mark itself.
    static let guarded: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "'"]

    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, guarded.contains(first) else { return cell }
        return "'" + cell
    }

    /// A cell read back from such a CSV: without its leading `'`, if it has one.
    public static func restored(_ cell: String) -> String {
        cell.unicodeScalars.first == "'" ? String(cell.unicodeScalars.dropFirst()) : cell
    }
}
