/// The script of `serve`'s pages (`/assets/app.js`). Everything works without it (forms post
/// and the page comes back); with it, decisions are made in place, the library is searched as
/// you type, and the review queue answers to j/k, a, r and e.
enum WebScript {
    static let js = """
        (function () {
          "use strict";
          var meta = document.querySelector('meta[name="shelfmirror-token"]');
          var token = meta ? meta.getAttribute("content") : "";

          function flash(kind, message) {
            var el = document.querySelector('[data-test="flash"]');
            if (!el) {
              var wrap = document.createElement("div");
              wrap.className = "flash-wrap";
              el = document.createElement("p");
              el.className = "flash";
              el.setAttribute("data-test", "flash");
              el.setAttribute("role", "status");
              el.setAttribute("aria-live", "polite");
              wrap.appendChild(el);
              var main = document.querySelector("main");
              main.parentNode.insertBefore(wrap, main);
            }
            el.setAttribute("data-kind", kind);
            el.textContent = message;
          }

          // Search as you type: the rows come from /library/rows with the form's filters.
          var filters = document.getElementById("library-filters");
          if (filters) {
            var rows = document.getElementById("library-rows");
            var count = document.querySelector('[data-test="result-count"]');
            var pending = null, timer = 0;
            function refresh() {
              var params = new URLSearchParams(new FormData(filters));
              Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) params.delete(k); });
              if (pending) pending.abort();
              pending = new AbortController();
              fetch("/library/rows?" + params.toString(), { signal: pending.signal, headers: { "Accept": "text/html" } })
                .then(function (r) {
                  if (!r.ok) throw new Error("search failed (" + r.status + ")");
                  if (count) count.textContent = r.headers.get("X-Result-Summary") || "";
                  return r.text();
                })
                .then(function (html) {
                  rows.innerHTML = html;
                  var pager = document.querySelector(".pager");
                  if (pager) pager.hidden = true;
                  try { history.replaceState(null, "", "/?" + params.toString()); } catch (e) {}
                })
                .catch(function (e) { if (e.name !== "AbortError") flash("error", e.message); });
            }
            filters.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 40); });
            filters.addEventListener("change", function () { clearTimeout(timer); refresh(); });
          }

          // Decisions in place: the form posts with the page's token and the proposal is updated.
          function apply(change) {
            var row = document.querySelector('[data-test="proposal"][data-change-id="' + change.id + '"]');
            if (!row) return;
            var old = row.getAttribute("data-version");
            row.setAttribute("data-status", change.status);
            row.setAttribute("data-version", change.version);
            Array.prototype.forEach.call(row.querySelectorAll('input[name="version"]'), function (i) { i.value = change.version; });
            Array.prototype.forEach.call(document.querySelectorAll('input[name="versions"]'), function (i) {
              i.value = i.value.split(",").map(function (p) { return p === change.id + ":" + old ? change.id + ":" + change.version : p; }).join(",");
            });
            var badge = row.querySelector('[data-test="proposal-status"]');
            if (badge) { badge.textContent = change.status; badge.className = "badge s-" + change.status; }
            if (change.proposed !== undefined && change.proposed !== null) {
              var text = row.querySelector(".new .text");
              if (text) text.textContent = change.proposed;
              var input = row.querySelector('[data-test="edit-input"]');
              if (input) input.value = change.proposed;
            }
          }
          document.addEventListener("submit", function (event) {
            var form = event.target;
            if (!form.hasAttribute("data-action") || !window.fetch) return;
            event.preventDefault();
            var buttons = form.querySelectorAll("button");
            Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
            fetch(form.action, {
              method: "POST",
              body: new URLSearchParams(new FormData(form)),
              headers: { "Accept": "application/json", "X-Shelfmirror-Token": token }
            })
              .then(function (r) { return r.json().catch(function () { return { ok: false, kind: "error", message: "The server answered " + r.status + "." }; }); })
              .then(function (data) {
                (data.changes || []).forEach(apply);
                flash(data.kind || (data.ok ? "ok" : "error"), data.message || "");
                if (data.ok && data.reload) location.reload();
              })
              .catch(function (e) { flash("error", "The server did not answer: " + e.message); })
              .then(function () { Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; }); });
          });

          // The review queue's keys: j/k move, a accepts, r rejects, e edits.
          if (document.body.getAttribute("data-page") === "review") {
            var current = -1;
            function proposals() { return Array.prototype.slice.call(document.querySelectorAll('[data-test="proposal"]')); }
            function move(step) {
              var list = proposals();
              if (!list.length) return;
              if (current >= 0 && list[current]) list[current].classList.remove("current");
              current = Math.max(0, Math.min(list.length - 1, current + step));
              list[current].classList.add("current");
              list[current].scrollIntoView({ block: "nearest" });
            }
            function press(name) {
              var row = proposals()[current];
              if (!row) return;
              var button = row.querySelector('[data-test="' + name + '"]');
              if (button) button.click();
            }
            document.addEventListener("keydown", function (event) {
              var tag = event.target.tagName;
              if (event.ctrlKey || event.metaKey || event.altKey || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
              if (event.key === "j") { move(1); }
              else if (event.key === "k") { move(-1); }
              else if (event.key === "a") { press("accept"); }
              else if (event.key === "r") { press("reject"); }
              else if (event.key === "e") {
                var row = proposals()[current];
                var input = row && row.querySelector('[data-test="edit-input"]');
                if (!input) return;
                var details = input.closest("details");
                if (details) details.open = true;
                input.focus();
                input.select();
              } else { return; }
              event.preventDefault();
            });
          }
        })();
        """
}
