// 离线检索：索引由 search-index.js 以字面量形式提供（window.ANJUAN_INDEX），不联网、不读取文件。
// 结果用 textContent 生成，索引中的任何文字都不会被当作 HTML 解释。
(function () {
  "use strict";
  var index = (window.ANJUAN_INDEX && window.ANJUAN_INDEX.entries) || [];
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("results");
  if (!input || !list) { return; }

  var FIELDS = ["title", "number", "type", "date", "party", "meta", "volume", "text"];
  var LIMIT = 200;

  function norm(s) {
    s = String(s || "");
    if (s.normalize) { s = s.normalize("NFKC"); }
    return s.toLowerCase();
  }

  // Normalised haystack per entry, built once.
  var hay = index.map(function (e) {
    return FIELDS.map(function (f) { return norm(e[f]); }).join("\u0000");
  });

  function terms(q) {
    return norm(q).split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function snippet(text, term) {
    var t = norm(text);
    // NFKC may change lengths; then positions would not line up with the original text.
    if (t.length !== text.length) { t = text.toLowerCase(); }
    var at = t.indexOf(term);
    if (at < 0) { return null; }
    var start = Math.max(0, at - 40);
    var end = Math.min(text.length, at + term.length + 60);
    return { before: (start > 0 ? "…" : "") + text.slice(start, at), hit: text.slice(at, at + term.length), after: text.slice(at + term.length, end) + (end < text.length ? "…" : "") };
  }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined) { n.textContent = text; }
    return n;
  }

  function score(e, ts) {
    var s = 0;
    for (var i = 0; i < ts.length; i++) {
      if (norm(e.title).indexOf(ts[i]) >= 0) { s += 4; }
      if (norm(e.number).indexOf(ts[i]) >= 0) { s += 3; }
      if (norm(e.type).indexOf(ts[i]) >= 0) { s += 2; }
    }
    return s;
  }

  function run(q) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var ts = terms(q);
    if (ts.length === 0) { status.textContent = "请输入检索词。"; return; }
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var h = hay[i];
      var ok = true;
      for (var j = 0; j < ts.length; j++) { if (h.indexOf(ts[j]) < 0) { ok = false; break; } }
      if (ok) { hits.push(i); }
    }
    hits.sort(function (a, b) { return score(index[b], ts) - score(index[a], ts) || a - b; });
    status.textContent = hits.length === 0 ? "没有找到与“" + q + "”相符的记录。" : "找到 " + hits.length + " 条与“" + q + "”相符的记录" + (hits.length > LIMIT ? "，显示前 " + LIMIT + " 条。" : "。");
    hits.slice(0, LIMIT).forEach(function (i) {
      var e = index[i];
      var li = el("li", "result result-" + e.kind);
      var a = el("a", "result-title", e.title);
      a.href = e.href;
      li.appendChild(el("span", "result-kind", e.kind === "case" ? "案件" : e.type));
      li.appendChild(a);
      var meta = [e.number, e.party, e.date, e.volume].filter(function (x) { return x; }).join(" · ");
      li.appendChild(el("div", "result-meta", meta));
      if (e.text) {
        for (var k = 0; k < ts.length; k++) {
          var sn = snippet(e.text, ts[k]);
          if (sn) {
            var p = el("p", "result-snippet");
            p.appendChild(document.createTextNode(sn.before));
            p.appendChild(el("mark", null, sn.hit));
            p.appendChild(document.createTextNode(sn.after));
            li.appendChild(p);
            break;
          }
        }
      }
      list.appendChild(li);
    });
  }

  var params = new URLSearchParams(window.location.search);
  var q0 = params.get("q") || "";
  input.value = q0;
  if (q0) { run(q0); } else { status.textContent = "请输入检索词。"; }
  var timer = null;
  input.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { run(input.value); }, 150);
  });
})();
