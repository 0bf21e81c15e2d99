import MirrorCore
import MirrorStore

/// An item named by a person: by its id, or by its exact title when that is unique.
public enum ItemReference {
    public static func resolve(_ text: String, mirror: Mirror) throws -> String {
        let found = try mirror.resolveItem(text)
        if let exact = found.first(where: { $0.id == text }) { return exact.id }
        switch found.count {
        case 0:
            throw WorkflowError(summary: "no item \"\(text)\" in the mirror",
                                hint: "Give the item's id or exact title; `shelfmirror search WORDS` finds it.", kind: .usage)
        case 1:
            return found[0].id
        default:
            throw WorkflowError(summary: "\(found.count) items are titled \"\(text)\"",
                                hint: "Give the id of the one you mean: " + found.map(\.id).joined(separator: ", "), kind: .usage)
        }
    }

    /// Several, each resolved; nil for none (every item).
    public static func resolve(_ texts: [String], mirror: Mirror) throws -> Set<String>? {
        texts.isEmpty ? nil : Set(try texts.map { try resolve($0, mirror: mirror) })
    }
}
