#include "web/assets.h"

namespace publius::web {

std::string_view stylesheet() {
  static constexpr std::string_view kCss =
      R"css(:root{color-scheme:light dark;--bg:#f6f6f4;--fg:#1b1b1b;--muted:#5d5d5d;--card:#fff;--line:#d9d9d4;--accent:#1f5fbf;--accent-fg:#fff;--danger:#b3261e;--ok:#1e6b35;--focus:#f0b400}
@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e9e9e6;--muted:#a4a7ab;--card:#1f2226;--line:#34383d;--accent:#7fb0ff;--accent-fg:#0d1117;--danger:#ff8a80;--ok:#7ed99a}}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--card);padding:.5rem;z-index:9}
header.site{background:var(--card);border-bottom:1px solid var(--line)}
header.site .bar{max-width:46rem;margin:0 auto;padding:.5rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem}
header.site .brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--fg);margin-right:auto}
nav.main ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .9rem;align-items:center}
nav.main a[aria-current=page]{font-weight:700;text-decoration-thickness:2px}
nav.main form{display:inline}
main{max-width:46rem;margin:0 auto;padding:1rem}
footer.site{max-width:46rem;margin:2rem auto;padding:0 1rem;color:var(--muted);font-size:.875rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.card,article.post{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.9rem 1rem;margin:0 0 .75rem}
article.post.focus{border-color:var(--accent);border-width:2px}
.post header{display:flex;flex-wrap:wrap;gap:0 .5rem;align-items:baseline}
img.avatar{border-radius:.3rem;vertical-align:middle;object-fit:cover;margin-right:.25rem}.profile img.header{display:block;width:100%;height:auto;border-radius:.4rem;margin-bottom:.5rem}
.post .who{font-weight:700;color:var(--fg);text-decoration:none}.post .acct,.post .meta,.muted{color:var(--muted);font-size:.9rem}
.post .meta{margin-left:auto}
.post .boosted{color:var(--muted);font-size:.875rem;margin:0 0 .25rem}
.post .content{overflow-wrap:anywhere}.post .content p{margin:.4rem 0}
.post .media{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}.post .media img{display:block;max-width:100%;height:auto;border-radius:4px}
details.images{margin:.5rem 0}
.post details summary{cursor:pointer;font-weight:600}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:.5rem;align-items:center}
.actions form{margin:0}
button,.button{font:inherit;padding:.45rem .9rem;border-radius:.4rem;border:1px solid var(--line);background:var(--bg);color:var(--fg);cursor:pointer;text-decoration:none;display:inline-block;line-height:1.3}
button.primary,.button.primary{background:var(--accent);color:var(--accent-fg);border-color:var(--accent)}
button.danger{color:var(--danger);border-color:var(--danger)}
button.on{border-color:var(--accent);color:var(--accent);font-weight:600}
button.link{border:0;background:none;color:var(--accent);padding:0;text-decoration:underline}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
label.inline{display:inline;font-weight:400}
input[type=text],input[type=password],input[type=search],textarea,select{width:100%;font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}
textarea{min-height:7rem;resize:vertical}
.row{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end}.row>*{flex:1 1 12rem}
.hint{color:var(--muted);font-size:.875rem;margin:.25rem 0}
.error{color:var(--danger);font-weight:600}.notice{color:var(--ok);font-weight:600}
.alert{border:2px solid var(--danger);border-radius:.5rem;padding:.75rem 1rem;background:var(--card)}
ol.codes{font-family:ui-monospace,monospace;font-size:1.1rem}
.pager{display:flex;justify-content:space-between;margin:1rem 0}
.profile .names{margin:0}.profile .stats{display:flex;gap:1rem;flex-wrap:wrap;color:var(--muted)}
dl.fields{display:grid;grid-template-columns:minmax(6rem,auto) 1fr;gap:.25rem 1rem}dl.fields dt{font-weight:600}dl.fields dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid var(--line)}
ul.plain{list-style:none;padding:0}
fieldset{border:1px solid var(--line);border-radius:.5rem;margin:1rem 0}
nav.subnav ul{list-style:none;margin:0 0 1rem;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav.subnav a[aria-current=page]{font-weight:700}
.state,.recommendation{font-weight:700}
code.hash{font-size:.8rem;overflow-wrap:anywhere}
.finding{border-left:4px solid var(--line);padding:.25rem .75rem;margin:.75rem 0}
.finding h4{margin:0}.finding p{margin:.3rem 0}
.finding.blocking{border-left-color:var(--danger)}.finding.warning{border-left-color:var(--focus)}
.severity{text-transform:uppercase;font-size:.8rem;letter-spacing:.05em}
fieldset.choices{border:0;padding:0;margin:.5rem 0}.choice{margin:.2rem 0}
input[type=file]{font:inherit}
table.demands{font-size:.9rem}
figure.chart{margin:1.5rem 0}figure.chart figcaption{font-weight:700;margin-bottom:.5rem}
figure.chart svg{width:100%;height:auto;display:block}
.chart .bar{fill:var(--accent)}.chart .track{fill:var(--line)}
.chart text{fill:var(--fg);font:14px system-ui,sans-serif}
table.numbers{font-size:.875rem;margin-top:.5rem}table.numbers caption{text-align:left;color:var(--muted)}
.canary blockquote{margin:0 0 .75rem;font-style:italic}
@media (max-width:32rem){main{padding:.75rem}.post .meta{margin-left:0;width:100%}h1{font-size:1.35rem}}
)css";
  return kCss;
}

std::string_view counter_script() {
  // Enhancement only: the server enforces the limit whatever this shows.
  static constexpr std::string_view kJs = R"js((function () {
  "use strict";
  var boxes = document.querySelectorAll("textarea[data-max]");
  Array.prototype.forEach.call(boxes, function (box) {
    var out = document.getElementById(box.getAttribute("data-counter"));
    if (!out) return;
    var max = parseInt(box.getAttribute("data-max"), 10);
    var update = function () {
      var left = max - Array.from(box.value.trim()).length;
      out.textContent = left + " characters left";
      out.className = left < 0 ? "hint error" : "hint";
    };
    box.addEventListener("input", update);
    update();
  });
})();
)js";
  return kJs;
}

}  // namespace publius::web
