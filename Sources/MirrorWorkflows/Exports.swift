import MirrorStore

// The store's types that commands show as they are: the CLI names them through the workflows
// that return them, and never imports the store.

/// A stored proposal with its item's title and match, as `diff` lists it (`ChangeListing`).
public typealias ChangeRow = MirrorStore.ChangeRow
/// One value of a row of `query` and the other tabular outputs.
public typealias QueryValue = MirrorStore.QueryValue
