/// The style of `serve`'s pages, served from the binary (`/assets/app.css`): nothing is loaded
/// from elsewhere. Light and dark follow the system; below 720 px the tables become cards.
public enum WebStyle {
    /// The colours both the pages and the `diff` HTML report use.
    public static let palette = """
        :root{color-scheme:light dark;--bg:#f5f5f2;--card:#fff;--fg:#1c1c1e;--muted:#5a5f67;--line:#dcdad3;--accent:#2456a6;
        --del-bg:#fde2df;--del:#a3161c;--ins-bg:#d6f2de;--ins:#0a6330;--ok:#d6f2de;--ok-fg:#0a6330;--warn:#fbeac5;--warn-fg:#6e4400;
        --info:#dce6fa;--info-fg:#1d4690;--bad:#fde2df;--bad-fg:#a3161c;--dim:#ebeae5;--dim-fg:#4a4e55}
        @media (prefers-color-scheme:dark){:root{--bg:#131518;--card:#1c1f23;--fg:#e6e6e3;--muted:#a2a7af;--line:#343840;
        --accent:#92b4ff;--del-bg:#4d1d21;--del:#ffb7b1;--ins-bg:#163a26;--ins:#94e3ae;--ok:#163a26;--ok-fg:#94e3ae;--warn:#47360f;
        --warn-fg:#f6d58a;--info:#1d2f52;--info-fg:#b5cbff;--bad:#4d1d21;--bad-fg:#ffb7b1;--dim:#2b2f35;--dim-fg:#c3c7cd}}

        """

    static let css = palette + """
        *{box-sizing:border-box}
        [hidden]{display:none!important}
        body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
        a{color:var(--accent)}
        .bar{position:sticky;top:0;z-index:3;display:flex;flex-wrap:wrap;align-items:center;gap:4px 18px;padding:8px 16px;background:var(--card);border-bottom:1px solid var(--line)}
        .brand{font-size:13px;font-weight:700;letter-spacing:.08em;text-transform:uppercase;text-decoration:none}
        .bar nav{display:flex;flex-wrap:wrap;gap:2px 4px}
        .bar nav a{padding:4px 10px;border-radius:6px;color:var(--fg);text-decoration:none}
        .bar nav a[aria-current=page]{background:var(--dim);font-weight:600}
        .bar nav a:hover,.bar nav a:focus-visible{background:var(--dim)}
        .count-chip{display:inline-block;min-width:1.6em;margin-left:4px;padding:0 6px;border-radius:999px;background:var(--warn);color:var(--warn-fg);font-size:12px;font-weight:700;text-align:center}
        main{max-width:1280px;margin:0 auto;padding:12px 16px 32px}
        h1{margin:8px 0 4px;font-size:24px;overflow-wrap:anywhere}
        h2{font-size:17px;margin:20px 0 8px}
        .meta,.muted,.id{color:var(--muted)}
        .meta{margin:0 0 12px}
        .id{font-size:12px;overflow-wrap:anywhere}
        code{font-family:ui-monospace,"SF Mono",Menlo,Consolas,monospace;font-size:.92em}
        select,input,button,textarea{font:inherit;font-size:14px;color:var(--fg);background:var(--card);border:1px solid var(--line);border-radius:6px;padding:5px 8px;max-width:100%}
        button{cursor:pointer}
        button.primary{background:var(--accent);border-color:var(--accent);color:var(--card);font-weight:600}
        button.ok{border-color:var(--ok-fg);color:var(--ok-fg)}
        button.bad{border-color:var(--bad-fg);color:var(--bad-fg)}
        button:disabled{opacity:.5;cursor:default}
        :focus-visible{outline:2px solid var(--accent);outline-offset:2px}
        .flash{max-width:1280px;margin:10px auto 0;padding:8px 14px;border-radius:8px;border:1px solid var(--line);background:var(--card)}
        .flash[data-kind=ok]{background:var(--ok);color:var(--ok-fg)}
        .flash[data-kind=error],.flash[data-kind=stale]{background:var(--bad);color:var(--bad-fg)}
        .flash-wrap{padding:0 16px}
        .filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:8px 12px;margin:8px 0 12px}
        .filters label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:var(--muted)}
        .filters .q{flex:1 1 260px}
        .filters .q input{width:100%}
        .card{background:var(--card);border:1px solid var(--line);border-radius:10px;margin:12px 0;overflow:hidden}
        .card>header{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px;padding:12px 14px 8px}
        .card>header h2{margin:0;font-size:17px;overflow-wrap:anywhere}
        .card .body{padding:4px 14px 12px}
        table{width:100%;border-collapse:collapse}
        th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;overflow-wrap:anywhere}
        th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600}
        tbody tr:hover{background:var(--dim)}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        dl.kv{display:grid;grid-template-columns:9rem minmax(0,1fr);gap:4px 12px;margin:0}
        dl.kv dt{color:var(--muted)}
        dl.kv dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
        .grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:0 16px}
        .badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap;background:var(--dim);color:var(--dim-fg)}
        .m-auto,.s-accepted{background:var(--ok);color:var(--ok-fg)}
        .m-needs_review,.s-pending,.s-conflict{background:var(--warn);color:var(--warn-fg)}
        .m-confirmed,.s-pushed{background:var(--info);color:var(--info-fg)}
        .s-rejected,.s-failed,.m-rejected{background:var(--bad);color:var(--bad-fg)}
        .change{display:grid;grid-template-columns:8.5rem minmax(0,1fr) minmax(0,1fr) 15rem;grid-template-areas:"field cur new act" "field edit edit act";gap:2px 16px;padding:8px 14px;border-top:1px solid var(--line)}
        .change.current{box-shadow:inset 4px 0 0 var(--accent);background:color-mix(in srgb,var(--accent) 6%,var(--card))}
        .change .field{grid-area:field;font-weight:600}
        .change .field .tgt{display:block;font-weight:400;font-size:12px;color:var(--muted)}
        .change .cur{grid-area:cur}.change .new{grid-area:new}
        .change .acts{grid-area:act;display:flex;flex-wrap:wrap;align-items:flex-start;align-content:flex-start;gap:6px}
        .change .acts form{margin:0}
        .change .acts .btns{display:flex;gap:6px;flex-basis:100%}
        .change .edit{grid-area:edit}
        .change .edit form{display:flex;gap:6px;margin-top:4px}
        .change .edit input{flex:1}
        .lbl{display:none}
        .text{white-space:pre-wrap;overflow-wrap:anywhere;max-height:12em;overflow:auto}
        .none{color:var(--muted)}
        del,ins{border-radius:3px;padding:0 1px;-webkit-box-decoration-break:clone;box-decoration-break:clone}
        del{background:var(--del-bg);color:var(--del);text-decoration:line-through}
        ins{background:var(--ins-bg);color:var(--ins);text-decoration:none;font-weight:700}
        .item-acts{display:flex;flex-wrap:wrap;align-items:center;gap:8px;padding:10px 14px;border-top:1px solid var(--line);background:color-mix(in srgb,var(--dim) 45%,var(--card))}
        .item-acts form{display:flex;gap:6px;margin:0;align-items:center}
        .item-acts input[type=number]{width:8em}
        .alts{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
        .pen{font-size:13px;color:var(--muted)}
        .pen td{padding:2px 8px;border:0}
        pre.req{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px;margin:6px 0}
        .pager{display:flex;gap:12px;align-items:center;margin:12px 0}
        .cover{max-width:160px;border-radius:6px;border:1px solid var(--line)}
        .keys{font-size:13px;color:var(--muted)}
        kbd{font-family:ui-monospace,monospace;font-size:12px;padding:0 5px;border:1px solid var(--line);border-radius:4px;background:var(--card)}
        footer{max-width:1280px;margin:0 auto;padding:0 16px 24px;font-size:13px;color:var(--muted)}
        @media (max-width:720px){
        .bar{position:static}
        .change{grid-template-columns:minmax(0,1fr);grid-template-areas:"field" "cur" "new" "edit" "act"}
        .lbl{display:block;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
        table.cards thead{display:none}
        table.cards tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}
        table.cards td{display:block;border:0;padding:2px 10px}
        table.cards td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:12px}
        table.cards td.num{text-align:left}
        dl.kv dt{font-size:12px}
        dl.kv{grid-template-columns:minmax(0,1fr)}
        dl.kv dd{margin-bottom:6px}
        }
        """
}
