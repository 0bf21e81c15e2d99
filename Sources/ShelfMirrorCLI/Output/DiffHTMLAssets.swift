import Foundation
import MirrorCore
import MirrorWeb

/// The style, script and content policy of the HTML report of `diff`, inline in the page.
/// Neither may reference anything outside the page; the tests check that nothing does.
enum DiffHTMLAssets {
    /// Nothing may be loaded; only the page's own style and script apply, named by their
    /// SHA-256, computed here from the very text the page holds: no other inline script or
    /// style runs, even one that got past the escaping.
    static let policy = "default-src 'none'; style-src '\(hash(css))'; script-src '\(hash(script))'; "
        + "base-uri 'none'; form-action 'none'"

    /// A Content-Security-Policy source for inline text: 'sha256-' and the base64 of its digest.
    static func hash(_ text: String) -> String {
        "sha256-" + Data(SHA256.digest(Array(text.utf8))).base64EncodedString()
    }

    static let css = WebStyle.palette + """
        *{box-sizing:border-box}
        [hidden]{display:none!important}
        body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
        .top,.filters,.count,main,footer{max-width:1280px;margin:0 auto;padding-left:16px;padding-right:16px}
        .top{padding-top:20px}
        .brand{margin:0;font-size:13px;font-weight:700;letter-spacing:.08em;text-transform:uppercase;color:var(--accent)}
        h1{margin:2px 0 4px;font-size:24px;overflow-wrap:anywhere}
        .meta,.count,footer,.id,.book{color:var(--muted)}
        .meta{margin:0 0 14px}
        .summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,300px),1fr));gap:8px 20px;margin-bottom:12px}
        .summary h2{margin:0 0 6px;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
        .chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
        .chips a{display:inline-block;padding:2px 10px;border:1px solid var(--line);border-radius:999px;background:var(--card);color:inherit;text-decoration:none;font-size:13px}
        .chips a:hover,.chips a:focus-visible{border-color:var(--accent)}
        .filters{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;align-items:flex-end;gap:8px 12px;padding-top:10px;padding-bottom:10px;background:var(--bg);border-bottom:1px solid var(--line)}
        .filters label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:var(--muted)}
        .filters .q{flex:1 1 200px}
        select,input,button{font:inherit;font-size:14px;color:var(--fg);background:var(--card);border:1px solid var(--line);border-radius:6px;padding:5px 8px;max-width:100%}
        button{cursor:pointer}
        .count{margin:10px auto 0;font-weight:600}
        main{padding-bottom:8px}
        .item{background:var(--card);border:1px solid var(--line);border-radius:10px;margin:12px 0;overflow:hidden}
        .item>header{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px;padding:12px 14px 8px}
        .item h2{margin:0;font-size:17px;overflow-wrap:anywhere}
        .id{font-size:12px;overflow-wrap:anywhere}
        .badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap;background:var(--dim);color:var(--dim-fg)}
        .m-auto,.s-accepted{background:var(--ok);color:var(--ok-fg)}
        .m-needs_review,.s-pending,.s-conflict{background:var(--warn);color:var(--warn-fg)}
        .m-confirmed,.s-pushed{background:var(--info);color:var(--info-fg)}
        .s-rejected,.s-failed{background:var(--bad);color:var(--bad-fg)}
        .cols,.change{display:grid;grid-template-columns:8.5rem minmax(0,1fr) minmax(0,1fr) 12rem;grid-template-areas:"field cur new from" ". exp exp .";gap:2px 16px;padding:8px 14px}
        .cols{padding-top:0;padding-bottom:4px;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
        .change{position:relative;border-top:1px solid var(--line)}
        .field{grid-area:field;font-weight:600;overflow-wrap:anywhere}
        .field .tgt{display:block;font-weight:400;font-size:12px;color:var(--muted)}
        .cur{grid-area:cur}.new{grid-area:new}
        .from{grid-area:from;display:flex;flex-wrap:wrap;align-items:center;align-content:flex-start;gap:2px 6px;font-size:13px}
        .src{flex-basis:100%}.act{color:var(--muted)}.a-replace{font-weight:600}
        .lbl{display:none}
        .text{white-space:pre-wrap;overflow-wrap:anywhere}
        .added .text{border-left:3px solid var(--ins);padding-left:8px}
        .none{color:var(--muted)}
        del,ins{border-radius:3px;padding:0 1px;-webkit-box-decoration-break:clone;box-decoration-break:clone}
        del{background:var(--del-bg);color:var(--del);text-decoration:line-through}
        ins{background:var(--ins-bg);color:var(--ins);text-decoration:none;font-weight:700}
        .clamp{max-height:9em;overflow:hidden;-webkit-mask-image:linear-gradient(#000 65%,transparent);mask-image:linear-gradient(#000 65%,transparent)}
        .more{position:absolute;opacity:0;pointer-events:none}
        .more:checked~.val .clamp{max-height:none;-webkit-mask-image:none;mask-image:none}
        .expand{grid-area:exp;justify-self:start;cursor:pointer;color:var(--accent);font-size:13px}
        .expand::after{content:"Show all ▾"}
        .more:checked~.expand::after{content:"Show less ▴"}
        .more:focus-visible~.expand{outline:2px solid var(--accent);outline-offset:2px}
        footer{padding-top:8px;padding-bottom:24px;font-size:13px}
        code{font-family:ui-monospace,"SF Mono",Menlo,Consolas,monospace;font-size:.92em}
        @media (max-width:720px){
        .filters{position:static}
        .cols{display:none}
        .change{grid-template-columns:max-content minmax(0,1fr);grid-template-areas:"field from" "cur cur" "new new" "exp exp";gap:4px 10px}
        .lbl{display:block;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
        .from{justify-content:flex-end}.src{flex-basis:auto}
        }
        @media print{.filters{display:none!important}.clamp{max-height:none;-webkit-mask-image:none;mask-image:none}.expand{display:none}}
        """

    /// The opening of every self-contained page shelfmirror writes, up to `</head>`: its policy
    /// forbids loading anything but what `policy` allows.
    static func head(title: String, policy: String, css: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="\(policy)">
        <meta name="generator" content="shelfmirror \(ShelfMirror.version)">
        <title>\(DiffReport.escape(title)) · shelfmirror</title>
        <style>\(css)</style>
        </head>

        """
    }

    /// Shows the filter bar and applies it: rows whose data attributes match every chosen value,
    /// items whose title or id contains the search; the choice is kept in the address's
    /// fragment ("#status=pending&field=title"), so the summary's links set it too.
    static let script = """
        (function () {
          var form = document.getElementById("filters"), count = document.getElementById("count");
          var keys = ["status", "target", "field", "source", "match"];
          var items = Array.prototype.slice.call(document.querySelectorAll(".item"));
          var total = document.querySelectorAll(".change").length;
          function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
          function apply() {
            var want = {}, parts = [], shown = 0, itemsShown = 0;
            keys.forEach(function (k) {
              want[k] = form.elements[k].value;
              if (want[k]) parts.push(k + "=" + encodeURIComponent(want[k]));
            });
            var raw = form.elements.q.value, q = raw.trim().toLowerCase();
            if (q) parts.push("q=" + encodeURIComponent(raw));
            items.forEach(function (item) {
              var hit = !q || item.getAttribute("data-search").indexOf(q) >= 0, n = 0;
              Array.prototype.forEach.call(item.querySelectorAll(".change"), function (row) {
                var ok = hit && keys.every(function (k) { return !want[k] || row.getAttribute("data-" + k) === want[k]; });
                row.hidden = !ok;
                if (ok) n++;
              });
              item.hidden = n === 0;
              shown += n;
              if (n) itemsShown++;
            });
            count.textContent = (shown === total ? plural(total, "proposal") : shown + " of " + plural(total, "proposal"))
              + " · " + plural(itemsShown, "item");
            try { history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search); } catch (e) {}
          }
          function fromHash() {
            var values = {};
            location.hash.slice(1).split("&").forEach(function (part) {
              var i = part.indexOf("=");
              if (i > 0) { try { values[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1)); } catch (e) {} }
            });
            keys.concat("q").forEach(function (k) {
              var el = form.elements[k];
              el.value = values[k] || "";
              if (el.selectedIndex < 0) el.selectedIndex = 0;
            });
            apply();
          }
          form.hidden = false;
          form.addEventListener("input", apply);
          form.addEventListener("change", apply);
          form.addEventListener("submit", function (e) { e.preventDefault(); });
          form.addEventListener("reset", function () { setTimeout(apply, 0); });
          window.addEventListener("hashchange", fromHash);
          fromHash();
        })();
        """
}
