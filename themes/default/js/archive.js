// 案卷目录筛选：按类别、年度、状态过滤表格行。无脚本时表格完整显示，筛选栏保持隐藏。
(function () {
  "use strict";
  var box = document.getElementById("filters");
  var table = document.getElementById("volumes");
  if (!box || !table) { return; }
  var selects = box.querySelectorAll("select[data-filter]");
  var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
  var count = document.getElementById("filter-count");

  function apply() {
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var ok = true;
      for (var j = 0; j < selects.length; j++) {
        var want = selects[j].value;
        if (want && row.getAttribute("data-" + selects[j].getAttribute("data-filter")) !== want) { ok = false; }
      }
      row.hidden = !ok;
      if (ok) { shown++; }
    }
    if (count) { count.textContent = "显示 " + shown + " / " + rows.length + " 卷"; }
  }

  for (var k = 0; k < selects.length; k++) { selects[k].addEventListener("change", apply); }
  box.hidden = false;
  apply();
})();
