import MirrorCore

/// The style and script the pages load from the binary, named with a hash of their text so a
/// browser never keeps an old one.
enum WebAssets {
    static let cssVersion = version(WebStyle.css)
    static let jsVersion = version(WebScript.js)

    private static func version(_ text: String) -> String {
        String(SHA256.hex(SHA256.digest(Array(text.utf8))).prefix(10))
    }
}
